"""bilat: an open, citable dataset of bilateral defense and diplomatic events."""

__all__ = ["load_actors", "load_documents", "load_events", "load_evidence", "load_panel", "load_table"]


def __getattr__(name: str):
    # The loaders need pandas; importing it only when they are used keeps the command line quick.
    if name in __all__:
        from bilat import api

        return getattr(api, name)
    raise AttributeError(f"module 'bilat' has no attribute {name!r}")
