"""bilat: an open, citable dataset of bilateral defense and diplomatic events."""

from bilat.api import load_actors, load_documents, load_events, load_evidence, load_table

__all__ = ["load_actors", "load_documents", "load_events", "load_evidence", "load_table"]
