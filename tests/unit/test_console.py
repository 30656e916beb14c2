"""The console channel: whole interviews typed into a terminal, one answer per line, through
the same services (and a real SQLite file) as every other channel."""

from __future__ import annotations

import asyncio
import io
import json
import tempfile
from fractions import Fraction
from pathlib import Path

from bot.channels.console.interview import ConsoleInterview, ConsoleOutcome
from bot.channels.console.presenter import ConsolePresenter
from bot.flows import rating
from bot.i18n import shipped_locales
from bot.privacy import Addresses, Sealer
from bot.render import plain
from bot.services.respondent import Respondents
from bot.services.submission import Submitter
from bot.storage.db import Store
from questions.loader import default_library
from questions.schema import Bank, Kind, Question
from tests.helpers.rating import staircase

LIBRARY = default_library()
PRE = LIBRARY.bank("preassessment")
CHECKLIST = LIBRARY.bank("capacity_checklist")

# The respondent's own ratings: level per dimension (sum 29, overall 29/7 = 4.14).
LEVELS = {"A": 4, "B": 5, "C": 5, "D": 2, "E": 3, "F": 6, "G": 4}


def typed_staircase(score: Fraction | int) -> list[str]:
    """The numbers a respondent types on each rating screen to say `score`."""
    screen: str | None = rating.BOUNDARY
    typed = []
    for reply in staircase(score):
        typed.append(str(rating.replies(screen).index(reply) + 1))
        outcome = rating.answer(screen, reply)
        screen = outcome.screen if isinstance(outcome, rating.Next) else None
    return typed


DONT_KNOW_TYPED = str(rating.BOUNDARY_REPLIES.index(rating.DONT_KNOW) + 1)


def lines_for(question: Question, overrides: dict[str, list[str]]) -> list[str]:
    """What a respondent types for one question (choices by number)."""
    if question.id in overrides:
        return overrides[question.id]
    match question.kind:
        case Kind.INFO:
            return [] if question.flows_on else [""]  # Enter reads what is behind a note
        case Kind.TEXT:
            return [f"My answer to {question.id}"]
        case Kind.SCALE:
            return ["6"]
        case Kind.CHOICE:
            return ["1"]
        case Kind.YES_NO:
            return ["1"]
        case Kind.LEVEL:
            assert question.dimension is not None
            return typed_staircase(LEVELS[question.dimension])
    raise AssertionError(question.kind)


def script(
    bank: Bank, overrides: dict[str, list[str]] | None = None, *, until: str | None = None
) -> list[str]:
    """Every line typed for `bank`, or only those before the question `until`."""
    typed: list[str] = []
    for question in bank.questions:
        if question.id == until:
            break
        typed.extend(lines_for(question, overrides or {}))
    return typed


SECRET = b"k" * 32


def run(
    bank: Bank,
    typed: list[str],
    *,
    folder: Path | None = None,
    resume: str | None = None,
    locale: str = "en",
) -> tuple[ConsoleOutcome, str]:
    """Type `typed` (one line each) into a console interview; the outcome and all output.

    A new interview first shows what is kept (Enter continues), so that line is typed here.
    """
    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        return asyncio.run(_run(bank, typed if resume else ["", *typed], where, resume, locale))


async def _run(
    bank: Bank, typed: list[str], folder: Path, resume: str | None, locale: str
) -> tuple[ConsoleOutcome, str]:
    store = await Store.open(folder / "console.db")
    stdout = io.StringIO()
    interview = ConsoleInterview(
        store=store,
        respondents=Respondents(LIBRARY, SECRET, Submitter(SECRET), shipped_locales()),
        addresses=Addresses(SECRET, Sealer(SECRET)),
        presenter=ConsolePresenter(LIBRARY),
        stdin=io.StringIO("".join(f"{line}\n" for line in typed)),
        stdout=stdout,
        code=resume or "run1",
    )
    try:
        if resume:
            outcome = await interview.resume()
            assert outcome is not None
        else:
            outcome = await interview.begin(bank.id, None, locale)
    finally:
        await store.close()
    return outcome, stdout.getvalue()


# --- the preassessment ----------------------------------------------------------------------------


def test_a_piped_preassessment_prints_the_suggested_levels() -> None:
    final, out = run(PRE, [*script(PRE), ""])  # the empty line submits the review
    assert final.phase == "done"
    assert "Please review your answers." in out
    assert "Thank you. Your answers are complete." in out
    result = out.split("Thank you. Your answers are complete.", 1)[1]
    for line in (
        "How you rated your community:",
        "A. Community equity: Level 4 · Preplanning",
        "B. Existing community efforts: Level 5 · Preparation",
        "C. Community knowledge of the efforts: Level 5 · Preparation",
        "D. Leadership: Level 2 · Denial/Resistance",
        "E. Community climate: Level 3 · Vague Awareness",
        "F. Community knowledge about the issue: Level 6 · Initiation",
        "G. Resources related to the issue: Level 4 · Preplanning",
        "Your overall view: 4.14 (Level 4 · Preplanning)",
    ):
        assert line in result.splitlines(), line
    assert "suggested baseline for the interviewers to confirm" in result
    # One person's view is not the task force's decision: none is shown.
    assert "decision" not in result.lower() and "proceed" not in result
    assert "the team decides together" in result
    assert final.answers["level_d"] == 2
    assert final.answers["leaders_concern"] == 6
    assert final.answers["sector"] == "government"
    assert final.answers["willing"] == "yes"


def test_half_levels_and_low_ratings() -> None:
    low = {f"level_{d.lower()}": typed_staircase(3) for d in "ABCDEFG"}
    low["level_a"] = typed_staircase(Fraction(3, 2))
    final, out = run(PRE, [*script(PRE, low), ""])
    assert final.phase == "done"
    assert final.answers["level_a"] == 1.5
    # (1.5 + 3 * 6) / 7 = 2.78: level 2; still no decision for one respondent.
    assert "A. Community equity: Level 1.5 · No Awareness" in out
    assert "Your overall view: 2.78 (Level 2 · Denial/Resistance)" in out
    assert "wait" not in out.split("Thank you. Your answers are complete.")[1]


def test_i_dont_know_leaves_the_overall_level_open() -> None:
    final, out = run(PRE, [*script(PRE, {"level_e": [DONT_KNOW_TYPED]}), ""])
    assert final.answers["level_e"] == "dont_know"
    assert "E. Community climate: you answered “I don't know”" in out
    assert "An overall figure needs a rating for all seven dimensions." in out


def test_progress_and_choices_are_shown() -> None:
    _, out = run(PRE, script(PRE)[:6])
    assert "[Question 1 of 26]" in out
    assert "[Question 2 of 26]" in out
    assert "  1) State or local government" in out
    assert "  16) Other" in out
    assert "(Optional: type 'skip' to skip.)" in out
    assert "(Press Enter to read it, or type 'skip' to skip it.)" in out  # the content note
    assert "<i>" not in out and "&amp;" not in out and "&#x27;" not in out


# --- the capacity checklist -----------------------------------------------------------------------

YES, PARTLY, NO, NOT_SURE = "1", "2", "3", "4"
# A fact ("Is there a task force?") is answered yes, no or not sure: no "partly".
FACT_YES, FACT_NO, FACT_NOT_SURE = "1", "2", "3"


def test_a_piped_checklist_prints_counts_gaps_and_the_plan() -> None:
    answers = {
        "prep_trained": [YES],
        "prep_need_ident": [YES],  # worded as a need: yes is a gap
        "prep_need_other": [NO],  # a need answered no: not a gap
        "screen_intake": [NO],
        "case_update": [NO],
        "safety_update": [NOT_SURE],
        "proto_local": [PARTLY],
        "proto_groups": [YES],
        "proto_contacts": [YES],
        "proto_mous": [NO],
        "conf_laws": [YES],
        "conf_policies": [YES],
        "conf_consent": [YES],
        "part_relations": [YES],
        "part_task_force": [FACT_NO],
        "part_member": [],  # not asked: there is no task force to be a member of
        "part_incorporate": [FACT_YES],
        "plan_goal": ["Train all intake staff"],
        "plan_timeline": ["By March"],
    }
    final, out = run(CHECKLIST, [*script(CHECKLIST, answers), ""])
    assert final.phase == "done"
    assert "part_member" not in final.answers
    assert "Is your organization a member" not in out
    result = out.split("Thank you. Your answers are complete.", 1)[1].splitlines()
    assert "Your answers per area (in place / partly / gap / not sure):" in result
    sections = {s.id: " ".join(s.title.split()) for s in CHECKLIST.sections}
    for section_id, counts in {
        "preparedness": "2 / 0 / 1 / 0",  # a need answered no is in place
        "screening": "0 / 0 / 1 / 0",
        "case_mgmt": "1 / 0 / 0 / 0",
        "safety": "0 / 0 / 0 / 1",
        "protocols": "3 / 1 / 0 / 0",
        "confidentiality": "3 / 0 / 0 / 0",
        "partnerships": "2 / 0 / 1 / 0",
    }.items():
        assert f"{sections[section_id]}: {counts}" in result, section_id
    assert "5 items to work on:" in result
    gaps = [line for line in result if line.startswith("- ")]
    # In checklist order; needs answered "No" (case_update, proto_mous) are not gaps.
    assert gaps == [
        "- Does staff need training on the identification of victims of all forms of "
        "trafficking? (Yes)",
        "- On intake, are you assessing those you serve for signs of human trafficking? (No)",
        "- Do safety procedures for building, staff, and survivors need to be updated? (Not sure)",
        "- Does your organization have internal protocols that reflect the local services "
        "available in the community? (Partly)",
        "- Is there a local human trafficking collaborative or task force? (No)",
    ]
    assert "Your action plan:" in result
    plan = result[result.index("Your action plan:") + 1 :]
    assert plan[:2] == [
        "A. Goal for enhancing services to support survivors of human trafficking",
        "  Train all intake staff",
    ]
    assert "D. Timeline" in plan
    assert plan[plan.index("D. Timeline") + 1] == "  By March"


def in_place() -> dict[str, list[str]]:
    """Every item answered so that it is in place (a need: no; anything else: yes)."""
    typed: dict[str, list[str]] = {}
    for q in CHECKLIST.questions:
        if q.kind is Kind.YES_NO:
            typed[q.id] = [FACT_YES if not q.partly else (NO if q.yes_means == "need" else YES)]
    typed["part_incorporate"] = []  # there is a task force, so this is not asked
    return typed


def test_gap_list_follows_the_checklist_order() -> None:
    answers = {"screen_intake": [NO], "safety_update": [YES], "proto_mous": [NOT_SURE]}
    _, out = run(CHECKLIST, [*script(CHECKLIST, {**in_place(), **answers}), ""])
    gaps = [line for line in out.splitlines() if line.startswith("- ")]
    assert gaps == [
        "- On intake, are you assessing those you serve for signs of human trafficking? (No)",
        "- Do safety procedures for building, staff, and survivors need to be updated? (Yes)",
        "- Does your organization need to sign collaboration MOUs to clarify roles & "
        "responsibilities? (Not sure)",
    ]
    assert "3 items to work on:" in out


def test_no_gaps() -> None:
    _, out = run(CHECKLIST, [*script(CHECKLIST, in_place()), ""])
    assert "No gaps: everything asked is in place." in out


# --- back, skip, quit, end of input ---------------------------------------------------------------


def test_back_changes_an_earlier_answer() -> None:
    typed = ["", "First try", "back", "Second try", "3"]
    final, out = run(PRE, typed)
    assert final.answers["community"] == "Second try"
    assert final.answers["sector"] == "health_center"
    assert "Your answer so far: First try" in out


def test_back_on_the_first_message_is_refused() -> None:
    final, out = run(PRE, ["back"])
    assert "! This is the first question, there is nothing before it." in out
    assert final.current == "definition"  # the greeting came with it, needing no tap


def test_a_refused_line_leaves_the_interview_going() -> None:
    final, out = run(PRE, ["back", "", "skip", "Our county"])
    assert "! This is the first question, there is nothing before it." in out
    assert "! This question cannot be skipped." in out
    assert final.answers == {"community": "Our county"}
    assert out.rstrip().endswith("Input ended; your answers so far are kept.")


def test_skip_an_optional_question() -> None:
    final, _ = run(PRE, ["", "Our county", "skip"])
    assert final.answers == {"community": "Our county", "sector": None}
    assert final.current == "diversity"


def test_skip_a_required_question_is_refused() -> None:
    final, out = run(PRE, ["", "skip"])
    assert "! This question cannot be skipped." in out
    assert final.answers == {}
    assert final.current == "community"


def test_quit_keeps_the_answers_so_far() -> None:
    final, out = run(PRE, ["", "Our county", "quit", "1"])
    assert out.rstrip().endswith("Stopped. Your answers so far are kept.")
    assert final.answers == {"community": "Our county"}
    assert final.phase == "asking"
    assert final.current == "sector"
    assert "Thank you. Your answers are complete." not in out


def test_end_of_input_keeps_the_answers_so_far() -> None:
    final, out = run(PRE, ["", "Our county"])
    assert out.rstrip().endswith("Input ended; your answers so far are kept.")
    assert final.answers == {"community": "Our county"}
    assert final.current == "sector"


def test_a_stopped_interview_resumes_where_it_was(tmp_path: Path) -> None:
    run(PRE, ["", "Our county", "quit"], folder=tmp_path)
    final, out = run(PRE, [*script(PRE)[2:], ""], folder=tmp_path, resume="run1")
    assert "Welcome back" in out
    assert final.phase == "done"
    assert final.answers["community"] == "Our county"
    assert "How you rated your community:" in out


def test_a_text_question_says_how_the_console_reads_it() -> None:
    _, out = run(PRE, ["", "quit"])
    assert "Type your answer on one line, then press Enter." in out
    assert "message" not in out.split("[Question 1 of 26]", 1)[1]


# The console's words in Spanish: atrás, omitir, salir, conservar, paso.
UNACCENTED = ["", "Mi condado", "ATRAS", "atras", "", "Conservar", "OMITIR", "Salir"]


def test_the_console_words_need_no_accents_or_capitals() -> None:
    final, out = run(PRE, UNACCENTED, locale="es")
    # "atras" on the sector question went back to the community; there, back once more to
    # the screen before it, never stored as the community's name.
    assert out.count("Su respuesta hasta ahora: Mi condado") == 2
    assert final.answers == {"community": "Mi condado", "sector": None}
    assert final.current == "diversity"
    assert out.rstrip().endswith("Detenido. Sus respuestas hasta ahora se conservan.")


def test_pass_in_capitals_declines_in_spanish() -> None:
    final, _ = run(PRE, ["", "PASO", "salir"], locale="es")
    assert final.answers["community"] == {"declined": True}


def test_a_number_out_of_range_re_asks_without_advancing() -> None:
    typed = ["", "Our county", "17", "0", "abc", "2"]
    final, out = run(PRE, typed)
    assert out.count("! Please type a number from 1 to 16.") == 3
    assert final.answers["sector"] == "schools"
    assert final.current == "diversity"
    assert out.count("Which sector do you work in?") == 4


def test_a_scale_out_of_range_re_asks() -> None:
    upto = script(PRE, until="leaders_concern")
    final, out = run(PRE, [*upto, "11", "10"])
    assert "! Please type a number from 1 to 10." in out
    assert final.answers["leaders_concern"] == 10


def test_review_numbers_edit_an_answer() -> None:
    # In the review, answer 1 is "community"; change it, then submit.
    final, out = run(PRE, [*script(PRE), "1", "Changed my mind", "99", ""])
    assert final.phase == "done"
    assert final.answers["community"] == "Changed my mind"
    assert out.count("Please review your answers.") == 3
    assert "! Please type a number from 1 to 26." in out


# --- redaction ------------------------------------------------------------------------------------


def test_contact_details_typed_into_text_are_not_kept() -> None:
    secret = "Ask jane.doe@example.org or call +1 202-555-0143, see www.example.org/help"
    final, _ = run(PRE, ["", secret, "quit"])
    kept = str(final.answers["community"])
    assert "jane.doe" not in kept
    assert "example.org" not in kept
    assert "555" not in kept and "0143" not in kept
    assert kept.startswith("Ask ")
    assert "[email]" in kept
    assert "jane.doe@example.org" not in json.dumps(final.answers)


def test_every_text_answer_is_redacted() -> None:
    leaks = {
        q.id: [f"Reach me on 020 7946 0958 or m.{q.id}@mail.example.com"]
        for q in CHECKLIST.questions
        if q.kind is Kind.TEXT
    }
    final, _ = run(CHECKLIST, [*script(CHECKLIST, leaks), ""])
    assert final.phase == "done"
    text = json.dumps(final.answers)
    assert "7946" not in text
    assert "mail.example.com" not in text


def test_plain_strips_tags_and_entities() -> None:
    assert plain("<b>A.</b> Tom &amp; Jerry&#x27;s <i>probe</i>") == "A. Tom & Jerry's probe"


def test_a_superscript_digit_re_asks() -> None:
    final, out = run(PRE, ["", "Our county", "²", "1"])
    assert "! Please type a number from 1 to 16." in out
    assert final.answers["sector"] == "government"


def test_an_answer_at_the_length_limit_is_accepted_even_with_a_handle() -> None:
    typed = "x" * 1992 + " @abcdef"
    assert len(typed) == 2000
    final, out = run(PRE, ["", typed, "quit"])
    assert "characters" not in out
    assert "@abcdef" not in str(final.answers["community"])


def test_an_empty_line_at_a_typed_question_asks_for_the_answer() -> None:
    final, out = run(PRE, ["", "", "Our county"])
    assert "! Please type your answer." in out  # the same words in every channel
    assert "message" not in out.split("[Question 1 of 26]", 1)[1]  # no Telegram words
    assert final.answers == {"community": "Our county"}
