"""The shipped banks against their sources: a test counts every transcribed text in the seeds.

Seed 000 is the Human Trafficking Community Readiness Guide (Appendices B, C, E and F); seed 001
is the Capacity Assessment Checklist & Action Plan.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from questions.loader import default_library
from questions.schema import DIMENSION_IDS, Bank, Kind, Question, ReadinessModel

# The source documents live beside the repository (../shared/seeds), as DESIGN.md says.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
GUIDE = SEEDS / "000_07546f3fbb9de2ee.txt"
CHECKLIST = SEEDS / "001_c917403b2a2a2fe4.txt"

pytestmark = pytest.mark.skipif(
    not (GUIDE.exists() and CHECKLIST.exists()), reason="the seed documents are not available"
)

APPENDIX_B = "Appendix B: Characteristics for Each Level of Readiness"
APPENDIX_C = "Appendix C: Conducting the Preassessment"
APPENDIX_E = "Appendix E: Scoring the Community Readiness Assessment"
APPENDIX_F = "Appendix F: Strategies to Increase Level of Readiness"
STAGES = (
    "No Awareness",
    "Denial/Resistance",
    "Vague Awareness",
    "Preplanning",
    "Preparation",
    "Initiation",
    "Stabilization",
    "Confirmation Expansion",
    "Community Ownership",
)
# Appendix F starts each strategy with its dimension's name, spelled a little differently.
STRATEGY_PREFIX = re.compile(
    r"(Community equity|Existing community efforts|Community knowledge of efforts|Leadership"
    r"|Community climate|Community knowledge of the issue|Resources related to the issue)\. "
)


# --- reading the seeds ----------------------------------------------------------------------------


@cache
def guide_lines() -> tuple[str, ...]:
    return tuple(GUIDE.read_text(encoding="utf-8").splitlines())


def heading(text: str, after: int = 0) -> int:
    """Index of the line that is exactly `text` (the table of contents has page numbers)."""
    lines = guide_lines()
    return next(i for i in range(after, len(lines)) if lines[i].strip() == text)


def appendix(title: str, next_title: str) -> tuple[str, ...]:
    start = heading(title, 100)
    return guide_lines()[start : heading(next_title, start)]


def spaces(text: str) -> str:
    """Whitespace-normalised, with the guide's line-break artefact 'flyers/ informational' fixed."""
    return " ".join(text.split()).replace("/ ", "/")


def words(text: str) -> str:
    """Lower-case words only: quotes straightened, 'a/b' read as 'a or b', punctuation dropped."""
    text = text.replace("’", "'").replace("‘", "'").lower().replace("/", " or ")
    return " ".join(re.sub(r"[^a-z0-9&']+", " ", text).split())


@cache
def appendix_b() -> dict[int, list[str]]:
    """Level -> its seven characteristic bullets, in the guide's dimension order (A to G)."""
    levels: dict[int, list[str]] = {}
    current = 0
    for line in appendix(APPENDIX_B, APPENDIX_C):
        numbered = re.match(r"^(\d)\. (.+)$", line)
        if numbered:
            current = int(numbered.group(1))
            levels[current] = []
        elif line.startswith("- **"):
            bullet = re.fullmatch(r"- \*\*(.+?)\.\*\* (.+)", line.strip())
            assert bullet, line
            levels[current].append(bullet.group(2))
    return levels


@cache
def appendix_f() -> tuple[list[str], list[str]]:
    """The nine goals and the 63 strategies (level 1 A..G, level 2 A..G, ...), prefixes cut."""
    text = " ".join(appendix(APPENDIX_F, "References"))
    goals, strategies = [], []
    for paragraph in re.findall(r"<p>(.*?)</p>", text):
        if paragraph.startswith("GOAL: "):
            goals.append(paragraph.removeprefix("GOAL: "))
        elif prefix := STRATEGY_PREFIX.match(paragraph):
            strategies.append(paragraph[prefix.end() :])
    return goals, strategies


@cache
def appendix_e_stages() -> list[str]:
    lines = appendix(APPENDIX_E, APPENDIX_F)
    start = next(i for i, line in enumerate(lines) if line.startswith("Score\tStage of Readiness"))
    return [line.split("\t")[1] for line in lines[start + 1 : start + 10]]


@cache
def appendix_c_bullets() -> list[tuple[str, str]]:
    """(heading, bullet) of the script's questions: 'Community Equity' up to 'Online Survey'."""
    c_start = heading(APPENDIX_C, 100)
    start = heading("Community Equity", c_start)
    end = heading("Online Survey", start)
    found, current = [], ""
    for line in guide_lines()[start:end]:
        if line.startswith("- "):
            found.append((current, line[2:].strip()))
        elif line.strip():
            current = line.strip()
    return found


@cache
def checklist_areas() -> list[tuple[str, list[str]]]:
    """The nine areas of seed 001 with their sub-bullets (before the Internal Capacity Review)."""
    lines = CHECKLIST.read_text(encoding="utf-8").splitlines()[:60]
    end = next(i for i, line in enumerate(lines) if line.startswith("Internal Capacity Review"))
    areas: list[tuple[str, list[str]]] = []
    for line in lines[:end]:
        if line.startswith("- "):
            areas.append((line[2:].strip().strip("*").strip(), []))
        elif line.startswith(" - "):
            areas[-1][1].append(line[3:].strip())
    return areas


def checklist_tail(marker: str, pattern: str) -> list[str]:
    lines = CHECKLIST.read_text(encoding="utf-8").splitlines()[:80]
    start = next(i for i, line in enumerate(lines) if line.startswith(marker))
    found = []
    for line in lines[start + 1 :]:
        matched = re.match(pattern, line)
        if matched:
            found.append(matched.group(1).strip())
        elif found and line.strip():
            break
    return found


# --- the shipped data -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model() -> ReadinessModel:
    return default_library().model


@pytest.fixture(scope="module")
def pre() -> Bank:
    return default_library().bank("preassessment")


@pytest.fixture(scope="module")
def checklist() -> Bank:
    return default_library().bank("capacity_checklist")


def by_id(bank: Bank, question_id: str) -> Question:
    return next(q for q in bank.questions if q.id == question_id)


# --- readiness model: Appendix B, E and F ---------------------------------------------------------


def test_the_seed_parses_into_the_expected_counts() -> None:
    assert sorted(appendix_b()) == list(range(1, 10))
    assert all(len(bullets) == 7 for bullets in appendix_b().values())
    goals, strategies = appendix_f()
    assert (len(goals), len(strategies)) == (9, 63)
    assert len(appendix_c_bullets()) == 14
    assert len(checklist_areas()) == 9
    assert sum(len(items) for _, items in checklist_areas()) == 24


def test_all_63_characteristics_verbatim(model: ReadinessModel) -> None:
    counted = 0
    for level in model.levels:
        assert list(level.characteristics) == list(DIMENSION_IDS)
        seed = appendix_b()[level.level]
        for dimension, text in level.characteristics.items():
            assert spaces(text) == spaces(seed[DIMENSION_IDS.index(dimension)]), (
                level.level,
                dimension,
            )
            counted += 1
    assert counted == 63


def test_all_63_strategies_verbatim(model: ReadinessModel) -> None:
    _, seed = appendix_f()
    ours = [text for level in model.levels for text in level.strategies.values()]
    assert [list(level.strategies) for level in model.levels] == [list(DIMENSION_IDS)] * 9
    assert len(ours) == 63
    for number, (mine, theirs) in enumerate(zip(ours, seed, strict=True)):
        level, dimension = divmod(number, 7)
        assert spaces(mine) == spaces(theirs), (level + 1, DIMENSION_IDS[dimension])


def test_characteristics_and_strategies_appear_in_the_guide(model: ReadinessModel) -> None:
    guide = spaces("\n".join(guide_lines()))
    texts = [
        text
        for level in model.levels
        for text in (*level.characteristics.values(), *level.strategies.values())
    ]
    assert len(texts) == 126
    missing = [text[:60] for text in texts if spaces(text) not in guide]
    assert missing == []


def test_goals_and_the_opening_strategy(model: ReadinessModel) -> None:
    goals, _ = appendix_f()
    assert [spaces(level.goal) for level in model.levels] == [spaces(g) for g in goals]
    openings = {level.level: level.opening_strategy for level in model.levels}
    assert [n for n, text in openings.items() if text] == [4]
    guide = spaces("\n".join(guide_lines()))
    assert f"<p>{spaces(openings[4] or '')}</p>" in guide


def test_the_nine_stage_names(model: ReadinessModel) -> None:
    assert tuple(level.stage for level in model.levels) == STAGES
    assert tuple(appendix_e_stages()) == STAGES
    headings = [
        re.match(r"^\d\. (.+)$", line).group(1)  # type: ignore[union-attr]
        for line in appendix(APPENDIX_B, APPENDIX_C)
        if re.match(r"^\d\. ", line)
    ]
    assert tuple(headings) == STAGES


# --- preassessment: Appendix C --------------------------------------------------------------------

PROBE = re.compile(r"\s*\(Probes?: (.*?)\)\.?")
SCALE_WORDING = re.compile(r"\s*\(where 1 = “(.*?)” and 10 = “(.*?)”\)")
EXPLAIN = "Please explain your rating."


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?])\s+", text.strip()) if s]


def test_every_appendix_c_question_is_asked(pre: Bank) -> None:
    headings = list(dict.fromkeys(h for h, _ in appendix_c_bullets()))
    assert len(headings) == 7
    dimension_of = dict(zip(headings, DIMENSION_IDS, strict=True))
    questions = pre.questions
    matched: list[str] = []
    for section_heading, bullet in appendix_c_bullets():
        dimension = dimension_of[section_heading]
        probe = PROBE.search(bullet)
        scale = SCALE_WORDING.search(bullet)
        main = SCALE_WORDING.sub("", PROBE.sub("", bullet))
        wanted = [s for s in sentences(main) if s != EXPLAIN]
        candidates = [q for q in questions if q.dimension == dimension and q.kind is not Kind.LEVEL]
        hits = [
            q
            for q in candidates
            if all(words(s) in words(f"{q.prompt} {q.probe or ''}") for s in wanted)
        ]
        assert len(hits) == 1, (section_heading, bullet[:60], [q.id for q in hits])
        question = hits[0]
        if probe:
            assert question.probe is not None, question.id
            assert words(probe.group(1)) in words(question.probe), question.id
        if scale:
            assert question.kind is Kind.SCALE, question.id
            assert question.scale is not None
            assert (question.scale.low, question.scale.high) == scale.groups()
        if EXPLAIN in bullet:
            explain = questions[questions.index(question) + 1]
            assert (explain.kind, explain.explains, explain.prompt) == (
                Kind.TEXT,
                question.id,
                EXPLAIN,
            )
        matched.append(question.id)
    assert len(matched) == len(set(matched)) == 14


def test_every_dimension_section_asks_only_appendix_c_questions(pre: Bank) -> None:
    """Apart from the 'please explain' follow-ups, the A-G sections hold the 14 questions only."""
    asked = [
        q
        for q in pre.questions
        if q.dimension is not None and q.kind is not Kind.LEVEL and q.explains is None
    ]
    assert len(asked) == 14


def test_the_community_definition_question(pre: Bank) -> None:
    question = by_id(pre, "community")
    assert question.kind is Kind.TEXT
    assert not question.optional
    script = spaces("\n".join(guide_lines()))
    assert spaces(question.prompt) in script
    assert question.probe is not None
    assert spaces(question.probe) in script
    assert words("tell me a little bit about how you define your community") in words(
        question.prompt
    )


def test_the_16_sector_options(pre: Bank) -> None:
    sector = by_id(pre, "sector")
    assert sector.kind is Kind.CHOICE
    assert sector.optional
    assert [o.id for o in sector.options] == [
        "government",
        "schools",
        "health_center",
        "hospital",
        "faith",
        "police",
        "legal",
        "shelter",
        "treatment",
        "food_bank",
        "housing",
        "task_force",
        "cps",
        "social",
        "survivor",
        "other",
    ]
    labels = [o.label for o in sector.options]
    assert len(set(labels)) == 16


def test_one_level_rating_per_dimension(pre: Bank) -> None:
    levels = [q for q in pre.questions if q.kind is Kind.LEVEL]
    assert [(q.id, q.dimension) for q in levels] == [
        (f"level_{d.lower()}", d) for d in DIMENSION_IDS
    ]
    assert not any(q.optional for q in levels)


def test_each_scale_is_followed_by_its_explanation(pre: Bank) -> None:
    questions = pre.questions
    scales = [i for i, q in enumerate(questions) if q.kind is Kind.SCALE]
    assert [questions[i].id for i in scales] == ["leaders_concern", "community_concern"]
    for i in scales:
        following = questions[i + 1]
        assert following.kind is Kind.TEXT
        assert following.explains == questions[i].id
        assert following.dimension == questions[i].dimension
    assert [q.id for q in questions if q.explains] == [
        "leaders_concern_why",
        "community_concern_why",
    ]


def test_willingness_comes_last(pre: Bank) -> None:
    last = pre.questions[-1]
    assert last.id == "willing"
    assert last.kind is Kind.CHOICE
    assert not last.optional


def test_intro_carries_the_definition_and_confidentiality(pre: Bank) -> None:
    script = spaces("\n".join(guide_lines()))
    for question_id in ("greeting", "confidentiality"):
        question = by_id(pre, question_id)
        assert question.kind is Kind.INFO
        # The one change (docs/method.md): the guide's "30 minutes" gives way to the measured
        # duration on the consent screen.
        guide_words = spaces(question.prompt).replace(
            "Your responses will help",
            "This survey will take approximately 30 minutes to complete, and your responses "
            "will help",
        )
        assert guide_words in script, question_id
    assert by_id(pre, "definition").content_note is not None
    definition = by_id(pre, "definition").prompt
    for line in definition.splitlines()[1:]:
        assert spaces(line.removeprefix("• ")) in script


# --- capacity checklist: seed 001 -----------------------------------------------------------------

# Seed items the bank rewords as questions or splits in two; each maps to the question ids asked.
REWORDED = {
    "Review your organization's policies on confidentiality for sharing information, update as "
    "necessary.": ("conf_policies",),
    "Ensure that any information that is shared has the victim's signed consent.": (
        "conf_consent",
    ),
    "Is there a local human trafficking collaborative or task force? Is your organization a "
    "member?": ("part_task_force", "part_member"),
}
STOPWORDS = frozenset({"that", "this", "with", "your", "what", "have", "there", "from", "into"})
AREA_SECTIONS = (
    "role",
    "services",
    "preparedness",
    "screening",
    "case_mgmt",
    "safety",
    "protocols",
    "confidentiality",
    "partnerships",
)


def key_words(text: str) -> list[str]:
    return [
        w.removesuffix("'s")
        for w in words(text).split()
        if len(w) >= 4 and w.removesuffix("'s") not in STOPWORDS
    ]


def has_word(text: str, word: str) -> bool:
    """`word` starts some word of `text` ('review' is found in 'reviewed')."""
    return any(w.startswith(word) for w in words(text).replace("'s", "").split())


def test_the_nine_areas_are_the_sections(checklist: Bank) -> None:
    sections = {s.id: s for s in checklist.sections}
    areas = checklist_areas()
    assert len(areas) == 9
    for (title, _), section_id in zip(areas, AREA_SECTIONS, strict=True):
        assert spaces(sections[section_id].title) == spaces(title)


def test_every_checklist_item_is_asked(checklist: Bank) -> None:
    sections = {s.id: s for s in checklist.sections}
    counted = 0
    for (_, items), section_id in zip(checklist_areas(), AREA_SECTIONS, strict=True):
        questions = sections[section_id].questions
        for item in items:
            counted += 1
            if item in REWORDED:
                asked = [q for q in questions if q.id in REWORDED[item]]
                assert len(asked) == len(REWORDED[item]), item
                together = " ".join(q.prompt for q in asked)
                missing = [w for w in key_words(item) if not has_word(together, w)]
                assert missing == [], (item, missing)
                continue
            hint = re.search(r"\s*\((.*)\)$", item)
            main = item[: hint.start()] if hint else item
            exact = [q for q in questions if spaces(q.prompt) == spaces(main)]
            assert len(exact) == 1, item
            if hint:
                assert spaces(exact[0].hint or "") == spaces(hint.group(1))
    assert counted == 24


def test_reworded_items_keep_their_key_words(checklist: Bank) -> None:
    for item, question_ids in REWORDED.items():
        prompts = " ".join(by_id(checklist, q).prompt for q in question_ids)
        for word in key_words(item):
            assert has_word(prompts, word), (item, word)
    # The split task-force item: membership is asked only when there is a task force, the
    # alternative only when there is none (or the organisation is not sure).
    member, incorporate = by_id(checklist, "part_member"), by_id(checklist, "part_incorporate")
    assert member.when is not None and member.when.answer_in == ("yes",)
    assert incorporate.when is not None and incorporate.when.answer_in == ("no", "not_sure")


def test_yes_no_items_worded_as_a_need(checklist: Bank) -> None:
    assert all(
        q.yes_means in ("in_place", "need") for q in checklist.questions if q.kind is Kind.YES_NO
    )
    need = {q.id for q in checklist.questions if q.yes_means == "need"}
    assert need == {
        q.id
        for q in checklist.questions
        if q.kind is Kind.YES_NO and re.search(r"\bneeds? (to|training)\b", q.prompt)
    }
    assert need == {
        "prep_need_ident",
        "prep_need_other",
        "case_update",
        "safety_update",
        "proto_mous",
    }


def test_the_four_review_questions(checklist: Bank) -> None:
    seed = checklist_tail("Internal Capacity Review", r"^\d\. (.+)$")
    assert len(seed) == 4
    review = next(s for s in checklist.sections if s.id == "review")
    assert [spaces(q.prompt) for q in review.questions] == seed
    assert all(q.kind is Kind.TEXT for q in review.questions)


def test_the_six_action_plan_items(checklist: Bank) -> None:
    seed = checklist_tail("Goals for Enhancing Services", r"^- ([A-F]\. .+)$")
    assert len(seed) == 6
    plan = next(s for s in checklist.sections if s.id == "action_plan")
    assert [q.id for q in plan.questions][-1] == "plan_resources"
    # Known fixes: the template's trailing colons are dropped, "Actions steps" -> "Action steps".
    fixed = [s.removesuffix(":").replace("Actions steps", "Action steps") for s in seed]
    assert [spaces(q.prompt).lower() for q in plan.questions] == [spaces(s).lower() for s in fixed]
    assert all(q.kind is Kind.TEXT for q in plan.questions)
