"""The drafter, rule by rule as a coder would check it: what is proposed, with which actors, dates
and fields, what is not, and that every draft of every fixture is a valid Draft whose quotes are
exact spans of its document. No test here asserts on speed: the bench reports it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from bilat.dates import DateBasis, DateNormalizer, publication_conflict
from bilat.drafting import draft_document, load_lexicon, propose_actors
from bilat.drafting.lexicon import Lexicon
from bilat.drafting.quantities import count_pattern, find_counts, find_money, money_pattern
from bilat.edtf import parse_edtf
from bilat.evidence import contains, fold_document, locate
from bilat.models import FORWARD_STATUSES, ActorRegistry, DocumentMeta, Draft, Event
from tests.conftest import ROOT, SEEDS

FIXTURES = ROOT / "tests" / "fixtures" / "drafting"
REGISTRY = ActorRegistry.model_validate(yaml.safe_load((SEEDS / "actors.yaml").read_text(encoding="utf-8"))).actors
NORMALIZER = DateNormalizer()


def meta(text: str, published: str = "2019-06-14", title: str = "A report", language: str = "en") -> DocumentMeta:
    return DocumentMeta(
        title=title, published=published, published_basis="printed", language=language, sha256=hashlib.sha256(text.encode()).hexdigest()
    )


def drafts_of(text: str, published: str = "2019-06-14", title: str = "A report") -> list:
    return draft_document(text, meta(text, published, title), REGISTRY, NORMALIZER)


def kinds(drafts) -> set[tuple[str, str, frozenset[str]]]:
    return {(d.type, d.status.value, frozenset((d.actor1, d.actor2))) for d in drafts}


# What is drafted, and what is not (CODEBOOK.md, section 2)


def test_a_plain_sale_is_drafted_with_its_roles_quantity_and_value():
    (draft,) = drafts_of("In 2007, Russia agreed to sell five S-300 air defence systems to Iran for $800 million.")
    assert (draft.type, draft.status.value, draft.actor1, draft.actor2, draft.date_text) == ("sale", "agreed", "RUS", "IRN", "2007")
    assert (draft.quantity, draft.quantity_unit, draft.value, draft.currency) == (5, "systems", 800_000_000.0, "USD")
    assert draft.item_category.value == "air_defence_systems"
    assert any("agreed to sell" in cue for cue in draft.cues)


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia could sell five S-300 systems to Iran.",
        "Analysts say Russia might deliver the S-300 systems to Iran next year.",
        "There is talk of the possibility of Iran buying Russian S-300 systems.",
        "If Moscow agreed to sell the S-300 systems to Iran, Washington would respond.",
    ],
)
def test_a_hypothetical_is_not_drafted(sentence):
    assert drafts_of(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia did not sell the S-300 systems to Iran.",
        "Israel denied that it had sold drones to Azerbaijan.",
        "No contract for the S-400 has been signed by Saudi Arabia and Russia.",
        "Iran has never bought fighter jets from Russia.",
    ],
)
def test_a_negation_is_not_drafted(sentence):
    assert drafts_of(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia accounts for 70 per cent of India's arms imports, and India bought most of its jets from Russia.",
        "India and France hold the Garuda exercise every two years, and their pilots visited Jodhpur.",
        "The navies of Pakistan and China regularly visit each other's ports.",
        "The three countries signed a trilateral memorandum with Turkey on Tuesday.",
    ],
)
def test_aggregates_habits_exercises_and_multilateral_frameworks_are_not_drafted(sentence):
    assert drafts_of(sentence) == []


def test_a_question_is_not_drafted():
    assert drafts_of("Did Russia sell the S-400 system to Turkey?") == []


# Actors


@pytest.mark.parametrize(
    "sentence, pair",
    [
        ("The Russian defence minister visited Tehran on Monday.", ("RUS", "IRN")),  # demonym, capital
        ("Ankara said on Monday it had signed an agreement with Islamabad.", ("TUR", "PAK")),  # capitals for governments
        ("Turkey's President Tayyip Erdogan arrived in Kyiv on Monday. Erdogan visited a factory there.", ("TUR", "UKR")),
    ],
)
def test_demonyms_capitals_and_titles_give_the_actors(sentence, pair):
    drafts = drafts_of(sentence)
    assert drafts and (drafts[0].actor1, drafts[0].actor2) == pair


def test_a_person_named_with_a_title_is_read_as_the_state_and_is_the_visitor():
    (visit,) = [d for d in drafts_of("Turkey's President Tayyip Erdogan arrived in Kyiv on Monday.") if d.type == "visit"]
    assert (visit.visitor, visit.visitor_title, visit.visit_level.value, visit.location) == (
        "Tayyip Erdogan",
        "Turkey's President",
        "head_of_state",
        "Kyiv",
    )


def test_an_unregistered_state_is_proposed_with_its_iso3_and_cow_codes():
    drafts = drafts_of("Egypt agreed to buy 30 Rafale jets from France in May.", published="2021-08-02")
    assert kinds(drafts) == {("sale", "agreed", frozenset({"FRA", "EGY"}))}
    proposals = {p.code: p for p in propose_actors(drafts, REGISTRY)}
    assert set(proposals) == {"FRA", "EGY"}
    assert (proposals["EGY"].name, proposals["EGY"].ccode, proposals["FRA"].ccode) == ("Egypt", 651, 220)
    assert proposals["EGY"].as_actor().kind.value == "state"
    assert any("EGY is not in the registry" in cue and "COW 651" in cue for cue in drafts[0].cues)


def test_the_document_context_supplies_a_party_the_sentence_does_not_name():
    text = (
        "Pakistan and Turkey have long-standing ties. Pakistan and Turkey train together.\n"
        "The signing of a Memorandum of Understanding in 2019 on the “Development of Military Cooperation” marked a milestone."
    )
    (draft,) = drafts_of(text, published="2019/..")
    assert (draft.type, draft.status.value, {draft.actor1, draft.actor2}, draft.date_text) == (
        "agreement",
        "signed",
        {"PAK", "TUR"},
        "2019",
    )
    assert draft.agreement_kind.value == "mou" and draft.agreement_title == "Development of Military Cooperation"
    assert sum("from the document's context" in cue for cue in draft.cues) == 2


# Dates


def test_last_month_in_an_article_of_2019_06_14_gives_may_2019_relative():
    (draft,) = drafts_of("Japan imposed sanctions on North Korea last month.")
    assert draft.date_text == "last month"
    date = NORMALIZER.from_text(draft.date_text, parse_edtf("2019-06-14"), False)
    assert (date.edtf, date.basis) == ("2019-05", DateBasis.relative)


def test_a_weekday_in_a_wire_report_is_the_day_before_publication_or_that_day():
    (draft,) = drafts_of("ANKARA, June 14 (Reuters) - Turkey took delivery of Russian S-400 missiles on Thursday.")
    assert (draft.actor1, draft.actor2, draft.date_text) == ("RUS", "TUR", "on Thursday")
    assert NORMALIZER.from_text(draft.date_text, parse_edtf("2019-06-14"), False).edtf == "2019-06-13"


def test_a_date_in_the_previous_sentence_dates_the_act_in_this_one():
    text = "Qatar's defence minister arrived in London on 10 December 2017. During the visit he signed a contract for 24 Typhoon jets."
    sale = next(d for d in drafts_of(text, published="2017-12-11", title="Qatar buys British jets") if d.type == "sale")
    assert {sale.actor1, sale.actor2} == {"QAT", "GBR"}  # neither is named in the sentence: the headline names both
    assert sale.date_text == "10 December 2017" and len(sale.evidence) == 2
    assert any("from an earlier sentence" in cue for cue in sale.cues)


def test_mid_year_gives_bounds_never_a_day():
    (draft,) = drafts_of("Egypt took delivery of a French helicopter carrier in mid-2016.", published="2020")
    assert (draft.date_text, draft.date_bounds) == (None, "2016") and "mid-2016" in draft.date_reason


def test_an_undated_act_is_bounded_by_publication_and_a_planned_one_starts_there():
    past, planned = drafts_of("Russia has supplied Vietnam with submarines. The Russian president will travel to Hanoi.")
    assert (past.date_bounds, planned.date_bounds, planned.status.value) == ("../2019-06-14", "2019-06-14/..", "planned")


# Quantities and money


@pytest.mark.parametrize(
    "text, value, currency",
    [("$800 million", 800e6, "USD"), ("€5.2bn", 5.2e9, "EUR"), ("2.5 billion dollars", 2.5e9, "USD"), ("£6bn", 6e9, "GBP")],
)
def test_money_is_read_with_its_currency(text, value, currency):
    lexicon = load_lexicon()
    (money,) = find_money(text, 0, len(text), lexicon, money_pattern(lexicon))
    assert (money.value, money.currency) == (value, currency)


@pytest.mark.parametrize(
    "text, quantity, unit",
    [
        ("five S-300 systems", 5, "systems"),
        ("24 jets", 24, "jets"),
        ("twenty-four Rafale fighter jets", 24, "jets"),
        ("six of the drones", 6, "drones"),
    ],
)
def test_counts_are_read(text, quantity, unit):
    (count,) = find_counts(text, 0, len(text), count_pattern(load_lexicon()))
    assert (count.quantity, count.unit) == (quantity, unit)


def test_a_share_is_not_a_count():
    assert find_counts("70 per cent of its weapons", 0, 26, count_pattern(load_lexicon())) == []


# Every draft is valid, and its evidence checks out as the build checks it


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.txt"))


def test_there_are_enough_fixture_documents_of_the_promised_length():
    lengths = [len(p.read_text(encoding="utf-8").split()) for p in _fixtures()]
    assert len(lengths) >= 15 and all(150 <= n <= 700 for n in lengths)


def _check_drafts(text: str, document_meta: DocumentMeta, drafts) -> None:
    folded = fold_document(text)
    published = parse_edtf(document_meta.published)
    adapter = TypeAdapter(Draft)
    for draft in drafts:
        assert adapter.validate_python(draft.model_dump()) == draft
        TypeAdapter(Event).validate_python(draft.as_event().model_dump())
        for quote in draft.evidence:
            match = locate(quote.quote, folded, quote.occurrence)  # raises unless found exactly as asked
            assert match.char_end > match.char_start
        forward = draft.status.value in FORWARD_STATUSES
        if draft.date_text is not None:
            assert any(contains(q.quote, draft.date_text) for q in draft.evidence)
            date = NORMALIZER.from_text(draft.date_text, published, forward)
        else:
            from bilat.dates import from_bounds

            date = from_bounds(draft.date_bounds, draft.date_reason)
        assert publication_conflict(date, published, forward) is None
        assert draft.cues and all(cue.strip() for cue in draft.cues)


@pytest.mark.parametrize("path", _fixtures(), ids=[p.stem for p in _fixtures()])
def test_every_fixture_draft_validates_and_quotes_exact_spans(path):
    key = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    document_meta = meta(text, key["published"], key["title"])
    drafts = draft_document(text, document_meta, REGISTRY, NORMALIZER)
    _check_drafts(text, document_meta, drafts)


def test_the_summit_fixture_with_no_bilateral_event_gives_no_draft():
    text = (FIXTURES / "summit_nato_madrid.txt").read_text(encoding="utf-8")
    assert draft_document(text, meta(text, "2022-06-29"), REGISTRY, NORMALIZER) == []


@pytest.mark.parametrize("doc", sorted(p.parent.name for p in SEEDS.glob("*/events.yaml")))
def test_seed_drafts_validate_too(doc):
    from bilat.models import EventsFile

    coded = EventsFile.model_validate(yaml.safe_load((SEEDS / doc / "events.yaml").read_text(encoding="utf-8")))
    text = (SEEDS / doc / "document.txt").read_text(encoding="utf-8")
    _check_drafts(text, coded.document, draft_document(text, coded.document, REGISTRY, NORMALIZER))


_texts = st.one_of(
    st.text(max_size=400),
    st.lists(
        st.sampled_from(
            [
                "Russia", "Iran", "agreed to sell", "signed", "an agreement", "on Thursday", "last month", "$800 million", "five",
                "jets", "to", "from", "visited", "Tehran", ".", ",", "\n", "could", "not", "the", "—", "“", "”", "2019", "mid-2016",
                "=", "-", "@", "\t", "Turkish", "President", "Erdogan", "sanctions", "on", "lifted", "Ankara", "said",
            ]
        ),
        max_size=60,
    ).map(" ".join),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts, st.sampled_from(["2019-06-14", "2019", "2019/..", "../..", "2015-01-20/2015-04-13"]))
def test_any_text_gives_valid_drafts_and_never_a_crash(text, published):
    document_meta = meta(text, published)
    _check_drafts(text, document_meta, draft_document(text, document_meta, REGISTRY, NORMALIZER))


@pytest.mark.parametrize(
    "text", ["", "   \n\n ", "Россия продала Ирану пять систем С-300 в 2007 году.", "x" * 200_000, "Russia sold jets. " * 3000]
)
def test_empty_huge_and_foreign_texts_do_not_crash(text):
    drafts = drafts_of(text)
    assert isinstance(drafts, list)


def test_other_languages_are_not_drafted_with_the_english_lexicon():
    text = "Russia agreed to sell five S-300 systems to Iran in 2007."
    assert draft_document(text, meta(text, language="fr"), REGISTRY, NORMALIZER) == []


# The lexicon


def test_the_packaged_lexicon_loads_and_rejects_a_wrong_status():
    lexicon = load_lexicon()
    assert {cue.type for cue in lexicon.cues} == {"visit", "agreement", "sanction", "sale"}
    broken = lexicon.model_dump()
    broken["cues"][0]["status"] = "signed"  # not a visit status
    with pytest.raises(ValidationError, match="not a status of visit"):
        Lexicon.model_validate(broken)


def test_the_lexicon_ships_in_the_wheel():
    from importlib import resources

    assert resources.files("bilat.drafting").joinpath("lexicon.yaml").is_file()
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"bilat.drafting" = ["lexicon.yaml"]' in text


# The bench


def test_the_bench_runs_on_a_tiny_tree(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "actors.yaml").write_bytes((SEEDS / "actors.yaml").read_bytes())
    (seeds / "retired.yaml").write_bytes((SEEDS / "retired.yaml").read_bytes())
    doc = "ca07c16d152b956b"
    (seeds / doc).mkdir()
    for name in ("document.txt", "events.yaml"):
        (seeds / doc / name).write_bytes((SEEDS / doc / name).read_bytes())
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    for name in ("wire_s400_delivery.txt", "wire_s400_delivery.yaml"):
        (fixtures / name).write_bytes((FIXTURES / name).read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "bench.drafting", "--seeds", str(seeds), "--fixtures", str(fixtures), "--repeat", "1", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["seeds"]["documents"] == 1 and figures["seeds"]["coded"] == 1
    assert figures["fixtures"]["coded"] == 3
    for name in ("seeds", "fixtures"):
        assert 0 <= figures[name]["recall"] <= 1 and 0 <= figures[name]["precision"] <= 1
        assert figures[name]["docs_per_s"] > 0


def test_a_relative_date_that_opens_its_sentence_is_read() -> None:
    from bilat.dates import DateNormalizer
    from bilat.drafting import draft_document
    from bilat.models import DocumentMeta
    from bilat.seeds import load_lists
    from tests.conftest import SEEDS

    text = "Last month, Russia delivered 12 Su-35 fighter jets to Iran, the report said.\n"
    meta = DocumentMeta(title="T", published="2024-02-12", published_basis="printed", language="en", sha256="0" * 64)
    actors = [actor for _, actor in load_lists(SEEDS).actors]
    (sale,) = draft_document(text, meta, actors, DateNormalizer("en"))
    assert (sale.type, sale.status.value, sale.actor1, sale.actor2, sale.date_text) == ("sale", "delivered", "RUS", "IRN", "Last month")


def test_a_party_from_context_is_flagged_when_the_sentence_names_someone_bilat_does_not_know() -> None:
    from bilat.dates import DateNormalizer
    from bilat.drafting import draft_document
    from bilat.models import DocumentMeta
    from bilat.seeds import load_lists
    from tests.conftest import SEEDS

    text = (
        "India and Russia held talks in Moscow on Monday, India said. India and Russia also discussed trade.\n\n"
        "Separately, the Andean Council imposed an arms embargo on Iran in 2011.\n"
    )
    meta = DocumentMeta(title="T", published="2024-02-12", published_basis="printed", language="en", sha256="0" * 64)
    actors = [actor for _, actor in load_lists(SEEDS).actors]
    sanctions = [d for d in draft_document(text, meta, actors, DateNormalizer("en")) if d.type == "sanction"]
    assert sanctions
    for draft in sanctions:
        assert any("'the Andean Council', which bilat does not know" in cue for cue in draft.cues), draft.cues
