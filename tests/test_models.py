"""The seed-file models accept well-formed records and reject malformed ones."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from bilat.ids import ALPHABET, CHECK_ALPHABET, URL_UNSAFE_CHECKS, check_symbol
from bilat.models import Actor, Agreement, DocumentMeta, Event, EventsFile, Sale, Sanction, Tombstone, Visit

EVENT = TypeAdapter(Event)
VALID_ID = "38BWXSK8F"  # an ID shipped in seeds/


def event(type_: str = "visit", **fields) -> dict:
    """The smallest valid event of ``type_``; ``fields`` override or add keys (None removes one)."""
    status = {"visit": "occurred", "agreement": "signed", "sanction": "imposed", "sale": "agreed"}.get(type_, "occurred")
    data = {
        "type": type_,
        "status": status,
        "actor1": "IRN",
        "actor2": "TUR",
        "date_text": "2019",
        "summary": "Something happened.",
        "evidence": [{"quote": "In 2019 something happened."}],
        "validated": {"by": "A. Coder", "date": "2026-12-01"},
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(call) -> list[dict]:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.errors()


def error_types(call) -> set[str]:
    return {e["type"] for e in errors_of(call)}


# --- events of each type -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "model"),
    [("visit", Visit), ("agreement", Agreement), ("sanction", Sanction), ("sale", Sale)],
)
def test_minimal_event_of_each_type_validates(type_, model):
    parsed = EVENT.validate_python(event(type_))
    assert type(parsed) is model
    assert parsed.type == type_
    assert parsed.id is None


def test_event_with_every_type_specific_field_validates():
    parsed = EVENT.validate_python(
        event(
            "sale",
            id=VALID_ID,
            status="delivered",
            item="radar",
            item_category="sensors",
            quantity=2,
            quantity_unit="systems",
            value=1.5e6,
            currency="USD",
        )
    )
    assert (parsed.id, parsed.item_category, parsed.value, parsed.currency) == (VALID_ID, "sensors", 1.5e6, "USD")


# --- unknown keys --------------------------------------------------------------------------


@pytest.mark.parametrize("type_", ["visit", "agreement", "sanction", "sale"])
def test_unknown_key_in_event_is_rejected(type_):
    errors = errors_of(lambda: EVENT.validate_python(event(type_, colour="red")))
    assert [(e["type"], e["loc"][-1]) for e in errors] == [("extra_forbidden", "colour")]


def test_key_of_another_event_type_is_rejected():
    # visit_level belongs to visits; on an agreement it is an unknown key.
    errors = errors_of(lambda: EVENT.validate_python(event("agreement", visit_level="minister")))
    assert [(e["type"], e["loc"][-1]) for e in errors] == [("extra_forbidden", "visit_level")]


def test_unknown_key_in_evidence_quote_is_rejected():
    bad = event(evidence=[{"quote": "In 2019 something happened.", "page": 3}])
    errors = errors_of(lambda: EVENT.validate_python(bad))
    assert [(e["type"], e["loc"][-1]) for e in errors] == [("extra_forbidden", "page")]


def test_unknown_key_in_actor_and_document_is_rejected():
    assert "extra_forbidden" in error_types(
        lambda: Actor.model_validate({"code": "IRN", "name": "Iran", "kind": "state", "ccode": 630, "capital": "Tehran"})
    )
    assert "extra_forbidden" in error_types(lambda: DocumentMeta.model_validate({**document(), "pages": 3}))


# --- enums ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "status"),
    [("visit", "signed"), ("agreement", "occurred"), ("sanction", "delivered"), ("sale", "imposed"), ("visit", "Occurred")],
)
def test_status_not_valid_for_the_type_is_rejected(type_, status):
    errors = errors_of(lambda: EVENT.validate_python(event(type_, status=status)))
    assert [(e["type"], e["loc"][-1]) for e in errors] == [("enum", "status")]


@pytest.mark.parametrize(
    ("type_", "status"),
    [("visit", "planned"), ("visit", "cancelled"), ("agreement", "in_force"), ("sanction", "lifted"), ("sale", "cancelled")],
)
def test_status_valid_for_the_type_is_accepted(type_, status):
    assert EVENT.validate_python(event(type_, status=status)).status == status


@pytest.mark.parametrize("type_", ["meeting", "Visit", ""])
def test_unknown_event_type_is_rejected(type_):
    assert error_types(lambda: EVENT.validate_python(event(type_))) == {"union_tag_invalid"}


def test_event_without_type_is_rejected():
    assert error_types(lambda: EVENT.validate_python(event(type=None))) == {"union_tag_not_found"}


@pytest.mark.parametrize("level", ["general", "Minister", "head of state"])
def test_bad_visit_level_is_rejected(level):
    errors = errors_of(lambda: EVENT.validate_python(event("visit", visit_level=level)))
    assert [(e["type"], e["loc"][-1]) for e in errors] == [("enum", "visit_level")]


def test_good_visit_level_is_accepted():
    assert EVENT.validate_python(event("visit", visit_level="head_of_state")).visit_level == "head_of_state"


@pytest.mark.parametrize(
    ("type_", "field", "value"),
    [
        ("agreement", "agreement_kind", "pact"),
        ("agreement", "domains", ["cyber"]),
        ("sanction", "measures", ["tariffs"]),
        ("sale", "item_category", "tanks"),
    ],
)
def test_bad_enum_values_of_other_types_are_rejected(type_, field, value):
    errors = errors_of(lambda: EVENT.validate_python(event(type_, **{field: value})))
    assert {e["type"] for e in errors} == {"enum"}
    assert {e["loc"][1] for e in errors} == {field}


# --- dates ---------------------------------------------------------------------------------


def test_date_bounds_with_reason_is_accepted():
    parsed = EVENT.validate_python(event(date_text=None, date_bounds="2010-06/2015-04-13", date_reason="Not dated."))
    assert (parsed.date_text, parsed.date_bounds) == (None, "2010-06/2015-04-13")


def test_date_text_and_date_bounds_together_are_rejected():
    bad = event(date_text="2019", date_bounds="2019", date_reason="Both given.")
    assert error_types(lambda: EVENT.validate_python(bad)) == {"value_error"}


def test_event_with_no_date_is_rejected():
    assert error_types(lambda: EVENT.validate_python(event(date_text=None))) == {"value_error"}


def test_date_bounds_without_reason_is_rejected():
    errors = errors_of(lambda: EVENT.validate_python(event(date_text=None, date_bounds="2019")))
    assert [e["type"] for e in errors] == ["value_error"]
    assert "date_reason" in errors[0]["msg"]


def test_date_reason_with_date_text_is_rejected():
    assert error_types(lambda: EVENT.validate_python(event(date_reason="Why not."))) == {"value_error"}


@pytest.mark.parametrize("bounds", ["2019-13", "2019-02-30", "19", "2020/2019", "June 2019", "2019/2020/2021"])
def test_malformed_date_bounds_are_rejected(bounds):
    bad = event(date_text=None, date_bounds=bounds, date_reason="Coder's bounds.")
    errors = errors_of(lambda: EVENT.validate_python(bad))
    assert "date_bounds" in {e["loc"][-1] for e in errors}


# --- sales: value and currency -------------------------------------------------------------


def test_value_without_currency_is_rejected():
    errors = errors_of(lambda: EVENT.validate_python(event("sale", value=800000000.0)))
    assert [e["type"] for e in errors] == ["value_error"]
    assert "currency" in errors[0]["msg"]


def test_currency_without_value_is_rejected():
    assert error_types(lambda: EVENT.validate_python(event("sale", currency="USD"))) == {"value_error"}


@pytest.mark.parametrize("currency", ["usd", "US", "USDT", "$"])
def test_malformed_currency_is_rejected(currency):
    errors = errors_of(lambda: EVENT.validate_python(event("sale", value=1.0, currency=currency)))
    assert "currency" in {e["loc"][-1] for e in errors}


# --- other event rules ---------------------------------------------------------------------


def test_same_actor_on_both_sides_is_rejected():
    assert error_types(lambda: EVENT.validate_python(event(actor1="IRN", actor2="IRN"))) == {"value_error"}


@pytest.mark.parametrize("code", ["irn", "I", "1RN", "IR-N", "NO ", "ABCDEFGHIJKLMNOPQ"])
def test_malformed_actor_code_is_rejected(code):
    errors = errors_of(lambda: EVENT.validate_python(event(actor1=code)))
    assert [e["loc"][-1] for e in errors] == ["actor1"]


def test_boolean_read_from_unquoted_no_is_not_an_actor_code():
    errors = errors_of(lambda: EVENT.validate_python(event(actor2=False)))
    assert [(e["type"], e["loc"][-1]) for e in errors] == [("string_type", "actor2")]


def test_event_needs_evidence():
    errors = errors_of(lambda: EVENT.validate_python(event(evidence=[])))
    assert [e["loc"][-1] for e in errors] == ["evidence"]


def test_empty_summary_is_rejected():
    errors = errors_of(lambda: EVENT.validate_python(event(summary="")))
    assert [e["loc"][-1] for e in errors] == ["summary"]


# --- actors --------------------------------------------------------------------------------


def test_state_with_ccode_is_accepted():
    assert Actor.model_validate({"code": "IRN", "name": "Iran", "kind": "state", "ccode": 630, "wikidata": "Q794"}).ccode == 630


def test_state_without_ccode_is_rejected():
    errors = errors_of(lambda: Actor.model_validate({"code": "IRN", "name": "Iran", "kind": "state"}))
    assert [e["type"] for e in errors] == ["value_error"]
    assert "ccode" in errors[0]["msg"]


@pytest.mark.parametrize("kind", ["igo", "non_state"])
def test_non_state_actor_without_ccode_is_accepted(kind):
    assert Actor.model_validate({"code": "UNSC", "name": "UN Security Council", "kind": kind}).ccode is None


@pytest.mark.parametrize("kind", ["igo", "non_state"])
def test_non_state_actor_with_ccode_is_rejected(kind):
    errors = errors_of(lambda: Actor.model_validate({"code": "UNSC", "name": "UN Security Council", "kind": kind, "ccode": 2}))
    assert [e["type"] for e in errors] == ["value_error"]
    assert "ccode" in errors[0]["msg"]


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "country"), ("ccode", 0), ("ccode", 1000), ("wikidata", "794"), ("wikidata", "Q0794")]
)
def test_bad_actor_fields_are_rejected(field, value):
    data = {"code": "IRN", "name": "Iran", "kind": "state", "ccode": 630, field: value}
    errors = errors_of(lambda: Actor.model_validate(data))
    assert field in {e["loc"][0] for e in errors}


# --- documents -----------------------------------------------------------------------------


def document(**fields) -> dict:
    data = {
        "title": "A headline",
        "published": "2019",
        "published_basis": "printed",
        "language": "en",
        "sha256": "0" * 64,
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_printed_document_without_reason_is_accepted():
    assert DocumentMeta.model_validate(document()).published_reason is None


def test_inferred_document_with_reason_is_accepted():
    meta = DocumentMeta.model_validate(document(published_basis="inferred", published_reason="From the text."))
    assert meta.published_basis == "inferred"


def test_inferred_document_without_reason_is_rejected():
    errors = errors_of(lambda: DocumentMeta.model_validate(document(published_basis="inferred")))
    assert [e["type"] for e in errors] == ["value_error"]
    assert "published_reason" in errors[0]["msg"]


def test_inferred_document_with_empty_reason_is_rejected():
    with pytest.raises(ValidationError):
        DocumentMeta.model_validate(document(published_basis="inferred", published_reason=""))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("published_basis", "guessed"),
        ("published", "15 August 2017"),
        ("sha256", "0" * 63),
        ("sha256", "A" * 64),
        ("language", "English"),
        ("url", "www.example.com"),
    ],
)
def test_bad_document_fields_are_rejected(field, value):
    errors = errors_of(lambda: DocumentMeta.model_validate(document(**{field: value})))
    assert field in {e["loc"][0] for e in errors}


def test_events_file_needs_its_document_block():
    errors = errors_of(lambda: EventsFile.model_validate({"events": [event()]}))
    assert [(e["type"], e["loc"]) for e in errors] == [("missing", ("document",))]


def test_events_file_validates_each_event():
    parsed = EventsFile.model_validate({"document": document(), "events": [event("visit"), event("sale")]})
    assert [type(e) for e in parsed.events] == [Visit, Sale]


# --- event IDs -----------------------------------------------------------------------------


def _with_unsafe_check_symbol() -> str:
    """An ID whose check symbol is correct but one that bilat never issues (not URL-safe)."""
    for n in range(10_000):
        data = "".join(ALPHABET[(n >> (5 * i)) & 31] for i in reversed(range(8)))
        if check_symbol(data) in URL_UNSAFE_CHECKS:
            return data + check_symbol(data)
    raise AssertionError("no such ID found")


def _wrong_check_symbol(candidate: str) -> str:
    other = next(c for c in CHECK_ALPHABET if c != candidate[-1] and c not in URL_UNSAFE_CHECKS)
    return candidate[:-1] + other


MALFORMED_IDS = {
    "too short": VALID_ID[:-1],
    "too long": VALID_ID + "0",
    "lower case": VALID_ID.lower(),
    "letter I": "I" + VALID_ID[1:],
    "letter O": VALID_ID[:2] + "O" + VALID_ID[3:],
    "mistyped data symbol": "39" + VALID_ID[2:],
    "swapped symbols": VALID_ID[1] + VALID_ID[0] + VALID_ID[2:],
    "wrong check symbol": _wrong_check_symbol(VALID_ID),
    "url-unsafe check symbol": _with_unsafe_check_symbol(),
    "empty": "",
}


def test_valid_id_is_accepted():
    assert EVENT.validate_python(event(id=VALID_ID, follows="KM71SBP7N")).id == VALID_ID


@pytest.mark.parametrize("bad_id", MALFORMED_IDS.values(), ids=MALFORMED_IDS.keys())
def test_malformed_event_id_is_rejected(bad_id):
    errors = errors_of(lambda: EVENT.validate_python(event(id=bad_id)))
    assert [e["loc"][-1] for e in errors] == ["id"]


@pytest.mark.parametrize("bad_id", MALFORMED_IDS.values(), ids=MALFORMED_IDS.keys())
def test_malformed_follows_id_is_rejected(bad_id):
    errors = errors_of(lambda: EVENT.validate_python(event(follows=bad_id)))
    assert [e["loc"][-1] for e in errors] == ["follows"]


@pytest.mark.parametrize("field", ["id", "merged_into"])
def test_malformed_tombstone_id_is_rejected(field):
    data = {"id": "KM71SBP7N", "reason": "Duplicate.", "merged_into": VALID_ID}
    data[field] = MALFORMED_IDS["wrong check symbol"]
    errors = errors_of(lambda: Tombstone.model_validate(data))
    assert [e["loc"][-1] for e in errors] == [field]
