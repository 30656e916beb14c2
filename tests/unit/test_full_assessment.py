"""The full assessment bank against Appendix D: every interview question of the guide is asked,
in its dimension, and the bank, an interviewer's, is never offered to a respondent.

The seed-reading tests need ../shared/seeds; the counts below hold the content without them.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from bot.channels.telegram.callbacks import FLOW_CODES
from bot.cli import FLOWS as CLI_FLOWS
from bot.i18n import shipped_locales
from bot.services import texts
from bot.services.coordinator import FLOWS, create_campaign
from bot.services.effects import Reply
from bot.services.respondent import Respondents, Who
from bot.services.submission import Submitter
from bot.services.team import INTERVIEWER_LED
from bot.services.views import Say
from bot.storage.db import Store
from questions.loader import default_library
from questions.schema import DIMENSION_IDS, Bank, Kind, Question

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
GUIDE = SEEDS / "000_07546f3fbb9de2ee.txt"
needs_seed = pytest.mark.skipif(not GUIDE.exists(), reason="the seed documents are not available")

APPENDIX_D = "Appendix D: Conducting the Community Readiness Assessment"
PERCEPTION = (
    "[For the questions in this dimension, ask the respondent to answer based on what they "
    "believe is the community's perception and not their own.]"
)
EXPLAIN = "Please explain your rating."
# Questions (info messages apart) per dimension: the 69 bullets of Appendix D's questions,
# less the four grid leads (their words open each item's question), with the "Please explain
# your rating." of B and D a question each, and E's second item two: 69 - 4 + 2 + 1 = 68.
PER_DIMENSION = {"A": 24, "B": 12, "C": 8, "D": 6, "E": 3, "F": 10, "G": 5}
SEED_BULLETS = 69
A_SUBHEADINGS = (
    "Demographic",
    "Awareness, Knowledge, and Reach",
    "High-Level Policies That Address Structural Inequities",
    "Multisector Collaboration",
    "Health Equity as a Shared Vision and Value",
    "Community Capacity to Shape Outcomes",
)
# Leads whose sub-items are one question each, "lead + item" in one prompt; the other
# sub-items (how is (in)equity measured, empowered "(trained, invited)") are questions alone.
GRID_LEADS = (
    "On a scale from 1 to 10",
    "About how many community members",
    "From your professional perspective",
    "Please describe your successes and challenges",
)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return default_library().bank("full_assessment")


def asked(bank: Bank) -> list[Question]:
    return [q for q in bank.questions if q.answerable]


# --- without the seed: the shape CI guards --------------------------------------------------------


def test_the_bank_loads_as_an_interviewers_bank(bank: Bank) -> None:
    assert (bank.id, bank.version, bank.minutes) == ("full_assessment", 1, 90)
    assert bank.conducted_by == "interviewer"
    assert not bank.for_respondents
    for section in bank.sections:
        for question in section.questions:
            assert question.dimension == section.dimension, question.id


def test_questions_per_dimension(bank: Bank) -> None:
    counts = Counter(q.dimension for q in asked(bank) if q.dimension)
    assert counts == PER_DIMENSION
    assert sum(PER_DIMENSION.values()) == SEED_BULLETS - 4 + 2 + 1
    dimensions = [s.dimension for s in bank.sections if s.dimension]
    assert list(dict.fromkeys(dimensions)) == list(DIMENSION_IDS)
    titles = [s.title for s in bank.sections if s.dimension == "A"]
    assert titles == [f"Community equity: {heading}" for heading in A_SUBHEADINGS]
    assert all(s.dimension for s in bank.sections[2:-1])


def test_kinds_ratings_and_grids(bank: Bank) -> None:
    by_kind = Counter((q.dimension, q.kind) for q in asked(bank))
    assert {k: n for k, n in by_kind.items() if k[1] is Kind.SCALE} == {
        ("A", Kind.SCALE): 2,
        ("B", Kind.SCALE): 1,
        ("D", Kind.SCALE): 1,
    }
    assert {k: n for k, n in by_kind.items() if k[1] is Kind.CHOICE} == {
        ("C", Kind.CHOICE): 5,
        ("F", Kind.CHOICE): 7,
    }
    assert {k[1] for k in by_kind} == {Kind.TEXT, Kind.SCALE, Kind.CHOICE}
    for question in asked(bank):
        if question.kind is Kind.SCALE:
            assert question.scale is not None
            assert (question.scale.low, question.scale.high) == ("not at all", "a great concern")
        if question.dimension == "C" and question.kind is Kind.CHOICE:
            assert [(o.id, o.label) for o in question.options] == [
                ("none", "none"),
                ("few", "a few"),
                ("some", "some"),
                ("many", "many"),
                ("most", "most"),
            ]
        if question.dimension == "F" and question.kind is Kind.CHOICE:
            assert [o.label for o in question.options] == [
                "no knowledge",
                "a little",
                "some knowledge",  # not C's "some": Spanish needs another word
                "a lot",
            ]
    explained = {q.explains: q for q in asked(bank) if q.explains}
    assert sorted(explained) == ["b_concern", "d_concern"]
    for target, follow_up in explained.items():
        assert follow_up.prompt == EXPLAIN
        questions = bank.questions
        assert questions[questions.index(follow_up) - 1].id == target


def test_every_question_may_be_skipped(bank: Bank) -> None:
    """The interviewer notes what the respondent said; a respondent may decline a question."""
    assert all(q.optional for q in asked(bank))


def test_b_and_c_carry_the_perception_instruction_with_every_question(bank: Bank) -> None:
    for question in asked(bank):
        if question.dimension in ("B", "C"):
            assert " ".join((question.hint or "").split()) == PERCEPTION, question.id
        else:
            assert question.hint is None, question.id


def test_the_script_and_the_closing(bank: Bank) -> None:
    script = [q.id for q in bank.questions[:8]]
    assert script == [
        "live_interview",
        "probe_continuum",
        "introduction",
        "definition",
        "definition_questions",
        "confidentiality",
        "seven_dimensions",
        "why_equity",
    ]
    assert all(q.kind is Kind.INFO for q in bank.questions[:8])
    introduction = bank.question("introduction").prompt
    assert introduction.startswith("Hello, my name is _____, and")
    assert introduction.count("[community name]") == 2
    definition = bank.question("definition").prompt.splitlines()
    assert len(definition) == 3 and all(line.startswith("• ") for line in definition[1:])
    assert "60 to 90 minutes" in bank.question("confidentiality").prompt
    closing, reminder = bank.questions[-2:]
    assert (closing.id, closing.kind, closing.optional) == ("closing_questions", Kind.TEXT, True)
    assert closing.prompt.endswith("Are there any questions I should have asked?")
    assert (reminder.kind, reminder.prompt.split()[:3]) == (Kind.INFO, ["As", "a", "reminder,"])


# --- never a respondent's flow --------------------------------------------------------------------


def test_no_respondent_flow_lists_the_interviewers_bank() -> None:
    library = default_library()
    respondent = set(library.respondent_banks)
    assert respondent == {"preassessment", "capacity_checklist"}
    assert "full_assessment" in library.banks
    # A coordinator's set-up offers it as interviewer-led: it gets a team, never a link.
    assert set(FLOWS) - set(INTERVIEWER_LED) <= respondent
    assert set(INTERVIEWER_LED) == {"full_assessment"}
    assert set(CLI_FLOWS.values()) - set(INTERVIEWER_LED) <= respondent  # console, campaign create
    assert set(FLOW_CODES.values()) - set(INTERVIEWER_LED) <= respondent  # try-out buttons


async def test_a_respondent_is_never_put_through_it(tmp_path: Path) -> None:
    """Even a campaign stored with it as its flow, or a try-out asked for by name, opens
    nothing: the respondent is told the link is not valid."""
    library = default_library()
    store = await Store.open(tmp_path / "r.db")
    respondents = Respondents(library, b"s" * 32, Submitter(b"s" * 32), shipped_locales())
    try:
        async with store.transaction() as tx:
            created = await create_campaign(
                tx, name="Riverside", community_type="rural", flow="full_assessment"
            )
            token = created.campaign.respondent_token
            effects = [
                await respondents.start(tx, Who("a", "en"), token),
                await respondents.begin_personal(tx, Who("b", "en"), "full_assessment"),
                await respondents.open_now(tx, Who("c", "en"), "full_assessment", None, "en"),
            ]
            sessions = [await tx.sessions.of(key) for key in ("a", "b", "c")]
    finally:
        await store.close()
    assert sessions == [None, None, None]
    for said in effects:
        views = [e.view for e in said if isinstance(e, Reply)]
        assert len(views) == 1 and isinstance(views[0], Say)
        assert [p.msgid for p in views[0].phrases] == [texts.UNKNOWN_LINK]


# --- against the seed -----------------------------------------------------------------------------


def words(text: str) -> str:
    """Lower-case words only: quotes straightened, 'a/b' read as 'a or b', punctuation dropped."""
    text = text.replace("’", "'").replace("‘", "'").lower().replace("/", " or ")
    return " ".join(re.sub(r"[^a-z0-9&'+]+", " ", text).split())


def fragments(bullet: str) -> list[str]:
    """A bullet's sentences, its "Probe:" and "(Prompt: ...)" cut off as sentences of their own."""
    parts = re.split(r"\s*Probe:\s*|\s*\(Prompt:\s*", bullet.replace("**", ""))
    found = [s for part in parts for s in re.split(r"(?<=[.?)])\s+", part)]
    return [s for s in found if words(s)]


@cache
def appendix_d_bullets() -> tuple[tuple[str, str, str], ...]:
    """(dimension, lead, bullet) for every "- " line from "Interview Questions" to "Closing
    Script"; the lead is the top-level bullet above a sub-item, '' for a top-level one."""
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if i > 100 and line.strip() == APPENDIX_D)
    begin = lines.index("Interview Questions", start)
    end = lines.index("Closing Script", begin)
    found, dimension, lead = [], "", ""
    for line in lines[begin:end]:
        heading = re.match(r"^Dimension ([A-G]): ", line)
        if heading:
            dimension = heading.group(1)
        elif line.startswith("- "):
            lead = line[2:].strip()
            found.append((dimension, "", lead))
        elif line.lstrip().startswith("- "):
            found.append((dimension, lead, line.lstrip()[2:].strip()))
    return tuple(found)


def texts_of(question: Question) -> str:
    return words(" ".join(t for t in (question.prompt, question.probe, question.hint) if t))


@needs_seed
def test_the_seed_has_69_question_bullets() -> None:
    bullets = appendix_d_bullets()
    assert len(bullets) == SEED_BULLETS
    assert sum(1 for _, lead, _ in bullets if lead) == 19
    assert Counter(d for d, _, _ in bullets) == {
        "A": 26,
        "B": 11,
        "C": 9,
        "D": 5,
        "E": 2,
        "F": 11,
        "G": 5,
    }


def grid_main(lead: str) -> str:
    """A grid lead's question words: its "(Prompt, as needed, ...)" is each item's probe."""
    return re.split(r"\s*\(Prompt", lead)[0]


@needs_seed
def test_every_appendix_d_bullet_is_asked_in_its_dimension(bank: Bank) -> None:
    questions = asked(bank)
    bullets = appendix_d_bullets()
    matched: list[str] = []
    for dimension, lead, bullet in bullets:
        where = (dimension, bullet[:50])
        items = [b for _, parent, b in bullets if parent == bullet]
        if lead.startswith(GRID_LEADS) and lead:
            # A grid item: the lead's question words, then the item, in one prompt.
            hits = [q for q in questions if words(f"{grid_main(lead)} {bullet}") in words(q.prompt)]
        elif bullet.startswith(GRID_LEADS) and items:
            # A grid lead: its words open the prompt of each of its items, and nothing else.
            hits = [
                q
                for q in questions
                if q.dimension == dimension
                and words(q.prompt).startswith(words(grid_main(bullet)))
                and texts_of(q).count(words(grid_main(bullet))) == 1
            ]
            assert len(hits) == len(items), (where, [q.id for q in hits])
            for piece in fragments(bullet):
                assert all(words(piece) in texts_of(q) for q in hits), (where, piece)
            assert {q.dimension for q in hits} == {dimension}
            matched.append(f"lead: {hits[0].id}")
            continue
        else:
            pieces = fragments(bullet)
            hits = [q for q in questions if words(pieces[0]) in texts_of(q)]
            # The rest of the bullet is in the same question, or in the one after it (a
            # "Please explain your rating." follow-up; E's two-part item).
            for question in hits:
                i = questions.index(question)
                after = questions[min(i + 1, len(questions) - 1)]
                near = f"{texts_of(question)} | {texts_of(after)}"
                for piece in pieces[1:]:
                    assert words(piece) in near, (where, piece)
        assert len(hits) == 1, (where, [q.id for q in hits])
        assert hits[0].dimension == dimension, (where, hits[0].id)
        matched.append(hits[0].id)
    assert len(matched) == len(set(matched)) == len(bullets) == SEED_BULLETS


def from_the_guide(text: str, guide: str) -> bool:
    """The text's words are the guide's, in one run or in two (a grid's lead, then its item)."""
    found = words(text).split()
    return any(
        " ".join(found[:cut]) in guide and " ".join(found[cut:]) in guide
        for cut in range(len(found) + 1)
    )


@needs_seed
def test_every_asked_question_comes_from_appendix_d(bank: Bank) -> None:
    """Nothing added: each question's prompt and probe are the guide's words."""
    guide = words(GUIDE.read_text(encoding="utf-8"))
    for question in bank.questions:
        for text in (question.prompt, question.probe):
            if text is None:
                continue
            for line in text.splitlines():
                assert from_the_guide(line, guide), (question.id, line[:50])
    assert words(PERCEPTION) in guide
    for section in bank.sections:
        if section.dimension == "A":
            assert words(section.title.removeprefix("Community equity: ")) in guide
