"""``bilat merge KEEP GONE``: two coded events that are one real-world event become one.

Load (the checked tree, and the YAML files the merge touches) → Process (GONE's quotes become a
report of KEEP in GONE's document, or join KEEP's evidence when one document codes both; GONE is
retired with ``merged_into: KEEP``; ``follows`` links, reports and tombstones that pointed at GONE
point at KEEP) → Save (only after a copy of the tree with the merge in it passes ``bilat check``;
then each file is replaced whole).

Error policy: a merge that cannot be made raises ``UsageError`` (the two IDs cannot be merged as
given) or ``InputError`` (the tree does not pass, before or after); nothing is written then.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel

from bilat.drafts import with_report
from bilat.models import ROLES, Event, EventsFile, Quote, Report, RetiredIds, Tombstone, Validation, a_or_an, pair_text
from bilat.problems import InputError, UsageError
from bilat.release import default_release_dir
from bilat.seeds import read_yaml_model, seed_yaml_files
from bilat.yamlio import canonical_yaml


@dataclass(frozen=True)
class Merged:
    keep: str
    gone: str
    report_in: str | None
    """The document whose report of KEEP now holds GONE's quotes; None when they joined KEEP's own evidence."""
    repointed: int
    """``follows`` links, reports and tombstones that pointed at GONE and now point at KEEP."""
    files: tuple[Path, ...]


def merge(seeds_dir: Path, keep: str, gone: str, by: str, reason: str | None = None, on: dt.date | None = None) -> Merged:
    """Merge event ``gone`` into ``keep``, stamping the report it becomes with ``by`` and ``on``."""
    from bilat.build import check

    checked = check(seeds_dir)
    own_dates = {coded.event.id: coded.date for coding in checked.codings for coded in coding.coded}
    files = _read_events_files(seeds_dir)
    retired_path = seeds_dir / "retired.yaml"
    retired, _ = read_yaml_model(retired_path, retired_path.as_posix(), RetiredIds)
    where = {event.id: path for path, model in files.items() for event in model.events}
    _refuse(keep, gone, where, files, retired, by)
    keep_path, gone_path = where[keep], where[gone]
    kept, lost = own_dates[keep], own_dates[gone]
    if keep_path == gone_path and (kept.start, kept.end) != (lost.start, lost.end):
        raise UsageError(
            [
                f"{keep} and {gone} are both coded in {keep_path.parent.name}, dated {kept.edtf} and {lost.edtf}: one document "
                f"gives one event one date, so make the two dates one (in {keep}) before merging"
            ]
        )
    gone_event = _event(files[gone_path], gone)
    report = Report(
        event_id=keep,
        evidence=gone_event.evidence,
        date_text=gone_event.date_text,
        date_bounds=gone_event.date_bounds,
        date_reason=gone_event.date_reason,
        coder_note=" ".join(filter(None, (gone_event.coder_note, _provenance(gone_event, keep)))),
        validated=Validation(by=by, date=(on or dt.date.today()).isoformat()),
    )
    models = dict(files)
    keep_event = _event(files[keep_path], keep)
    if gone_event.follows is not None and keep_event.follows is None:  # GONE's place in its visit or deal becomes KEEP's
        models[keep_path] = _with_event(models[keep_path], keep_event.model_copy(update={"follows": gone_event.follows}))
    without = models[gone_path].model_copy(update={"events": [e for e in models[gone_path].events if e.id != gone]})
    models[gone_path] = _add_report(without, gone_path == keep_path, keep, report)
    repointed = 0
    for path, model in models.items():
        moved = [r.model_copy(update={"event_id": keep}) for r in model.reports if r.event_id == gone]
        follows = sum(event.follows == gone for event in model.events)
        if not moved and not follows:
            continue
        events = [event.model_copy(update={"follows": keep}) if event.follows == gone else event for event in model.events]
        model = model.model_copy(update={"events": events, "reports": [r for r in model.reports if r.event_id != gone]})
        for report_of_gone in moved:
            model = _add_report(model, path == keep_path, keep, report_of_gone)
        models[path], repointed = model, repointed + follows + len(moved)
    tombstones = [t.model_copy(update={"merged_into": keep}) if t.merged_into == gone else t for t in retired.retired]
    repointed += sum(t.merged_into == gone for t in retired.retired)
    why = reason or "one event coded twice"
    changed: dict[Path, BaseModel] = {path: model for path, model in models.items() if model != files[path]}
    changed[retired_path] = RetiredIds(retired=[*tombstones, Tombstone(id=gone, reason=why, merged_into=keep)])
    _check_merged(seeds_dir, changed)
    for path, model in changed.items():
        _replace(path, canonical_yaml(model))
    report_in = None if keep_path == gone_path else gone_path.parent.name
    return Merged(keep, gone, report_in, repointed, tuple(changed))


def _with_event(model: EventsFile, event: Event) -> EventsFile:
    return model.model_copy(update={"events": [event if e.id == event.id else e for e in model.events]})


def _provenance(gone: Event, keep: str) -> str:
    """Where a merged report came from: the event it was, and who validated that."""
    return f"Coded first as event {gone.id}, validated by {gone.validated.by} on {gone.validated.date}; merged into {keep}."


def _read_events_files(seeds_dir: Path) -> dict[Path, EventsFile]:
    return {
        path: read_yaml_model(path, path.as_posix(), EventsFile)[0] for path, model in seed_yaml_files(seeds_dir) if model is EventsFile
    }


def _event(model: EventsFile, event_id: str) -> Event:
    return next(event for event in model.events if event.id == event_id)


def _refuse(keep: str, gone: str, where: dict[str, Path], files: dict[Path, EventsFile], retired: RetiredIds, by: str) -> None:
    """UsageError naming every reason the two cannot be merged."""
    tombstones = {t.id: t for t in retired.retired}
    problems = []
    if not by:
        problems.append("--by NAME is needed: who validates the merged report (or set BILAT_CODER)")
    if keep == gone:
        raise UsageError([*problems, f"{keep} cannot be merged into itself"])
    for role, event_id in (("KEEP", keep), ("GONE", gone)):
        if event_id in tombstones:
            merged_into = tombstones[event_id].merged_into
            into = f"; it was merged into {merged_into}" + (", so merge into that" if role == "KEEP" else "") if merged_into else ""
            problems.append(f"{role} {event_id} is retired ({tombstones[event_id].reason}){into}")
        elif event_id not in where:
            problems.append(f"{role} {event_id} is not an event ID in the seeds")
    if problems:
        raise UsageError(problems)
    kept, lost = _event(files[where[keep]], keep), _event(files[where[gone]], gone)
    directed = ROLES[kept.type][0] != ROLES[kept.type][1]
    if kept.type != lost.type:
        problems.append(f"{gone} is {a_or_an(lost.type)} and {keep} {a_or_an(kept.type)}: events of different types are not one event")
    elif (pair := (kept.actor1, kept.actor2)) != (lost.actor1, lost.actor2) and (directed or set(pair) != {lost.actor1, lost.actor2}):
        problems.append(
            f"{gone} is {pair_text(lost.type, lost.actor1, lost.actor2)} and {keep} {pair_text(kept.type, kept.actor1, kept.actor2)}: "
            "events between other actors are not one event"
        )
    elif kept.status != lost.status:
        problems.append(
            f"{gone} is {lost.status.value} and {keep} {kept.status.value}: two steps of one visit or deal are two events; "
            "link them with follows instead"
        )
    if kept.follows == gone or lost.follows == keep:
        problems.append(f"one of {keep} and {gone} follows the other: they are two steps, not one event")
    elif None not in (kept.follows, lost.follows) and kept.follows != lost.follows:
        problems.append(f"{keep} follows {kept.follows} and {gone} follows {lost.follows}: make them follow the same event first")
    if problems:
        raise UsageError(problems)


def _add_report(model: EventsFile, codes_keep: bool, keep: str, report: Report) -> EventsFile:
    """``model`` with ``report`` of KEEP: its quotes join KEEP's evidence when this document codes
    KEEP (a document does not report its own event), else they join its report of KEEP."""
    if not codes_keep:
        return model.model_copy(update={"reports": with_report(model.reports, report)})
    events = []
    for event in model.events:
        if event.id == keep:
            evidence: list[Quote] = [*event.evidence, *(quote for quote in report.evidence if quote not in event.evidence)]
            event = event.model_copy(update={"evidence": evidence})
        events.append(event)
    return model.model_copy(update={"events": events})


def _check_merged(seeds_dir: Path, changed: dict[Path, BaseModel]) -> None:
    """``bilat check`` on a copy of the tree with the merge in it; InputError, located in the real tree's files, if it fails."""
    from bilat.build import check

    with tempfile.TemporaryDirectory(prefix="bilat-merge-") as scratch:
        copy = Path(scratch) / seeds_dir.name
        shutil.copytree(seeds_dir, copy, symlinks=True)
        for path, model in changed.items():
            (copy / path.relative_to(seeds_dir)).write_text(canonical_yaml(model), encoding="utf-8")
        try:
            check(copy, default_release_dir(seeds_dir))
        except InputError as err:
            label = copy.as_posix()
            raise InputError([replace(p, file=p.file.replace(label, seeds_dir.as_posix(), 1)) for p in err.problems]) from None


def _replace(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
