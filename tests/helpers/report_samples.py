"""Sample campaigns and responses for the report tests (8 respondents, 3 checklists)."""

from __future__ import annotations

from bot.flows.values import AnswerValue
from bot.storage.records import Campaign, StoredResponse

CAMPAIGN = Campaign(
    id="c1",
    name="Riverside County task force",
    community_type="rural",
    flow="preassessment",
    respondent_token="t" * 24,
    created_at="2024-03-01T09:00:00+00:00",
    closed_at=None,
)
CAPACITY_CAMPAIGN = Campaign(
    id="c2",
    name="Riverside providers",
    community_type="urban",
    flow="capacity_checklist",
    respondent_token="u" * 24,
    created_at="2024-03-01T09:00:00+00:00",
    closed_at="2024-04-01T09:00:00+00:00",
)

# One row per respondent: sector, locale, levels A..G ("?" = I don't know), the two 1-10
# ratings, willingness. Schools has exactly 3 respondents, police exactly 2, faith 1.
ROWS: list[tuple[str | None, str, str, int, int, str]] = [
    ("schools", "en", "4534345", 3, 6, "yes"),
    ("schools", "en", "5424356", 4, 7, "yes"),
    ("police", "es", "4533?45", 2, 5, "maybe"),
    ("schools", "en", "3424234", 5, 4, "yes"),
    (None, "en", "5535456", 6, 8, "no"),
    ("police", "en", "4423345", 3, 6, "maybe"),
    ("faith", "es", "4?34?44", 7, 5, "yes"),
    (None, "en", "5524355", 5, 9, "maybe"),
]
LEVEL_QUESTIONS = ["level_a", "level_b", "level_c", "level_d", "level_e", "level_f", "level_g"]
# Free text as stored: already redacted, some of it with characters HTML must escape.
DIVERSITY = [
    "Farming families, a growing community from Michoacán & seasonal workers.",
    "Two reservations nearby; many people live far from town.",
    "Seasonal farm workers <H-2A visas> and their families.",
]
BELIEFS = "People think it only happens in big cities. Call [phone] for the shelter."


def preassessment_answers(index: int) -> dict[str, AnswerValue]:
    sector, _locale, levels, leaders, community, willing = ROWS[index]
    answers: dict[str, AnswerValue] = {
        "community": f"The county and the two towns along the river (respondent {index + 1}).",
        "sector": sector,
        "diversity": DIVERSITY[index % len(DIVERSITY)],
        "underserved_reach": "Promotoras at the health center reach farm workers.",
        "current_efforts": "A task force since 2019; the shelter takes referrals.",
        "inequity_efforts": "Housing coalition meets monthly.",
        "forthcoming_efforts": "A training for school staff in the autumn.",
        "efforts_informed": "Local radio and church bulletins.",
        "leaders_concern": leaders,
        "leaders_concern_why": "The mayor spoke about it once.",
        "community_beliefs": BELIEFS,
        "community_concern": community,
        "community_concern_why": "Few people talk about it.",
        "info_available": "Some state data; nothing local.",
        "access_obstacles": "Transport and language.",
        "service_obstacles": "Funding.",
        "prevention_obstacles": "Awareness.",
        "first_help": "The church or the clinic.",
        "willing": willing,
    }
    for question, level in zip(LEVEL_QUESTIONS, levels, strict=True):
        answers[question] = "dont_know" if level == "?" else int(level)
    if index == 1:
        answers["inequity_efforts"] = None  # skipped (a stored key with no value)
    return answers


def preassessment_responses(count: int = len(ROWS)) -> list[StoredResponse]:
    return [
        StoredResponse(
            id=f"r{i}",
            bank="preassessment",
            bank_version=1,
            locale=ROWS[i][1],
            completed_on=f"2024-03-{10 + i:02d}",
            answers=preassessment_answers(i),
        )
        for i in range(count)
    ]


CHECKLIST_ITEMS = [
    "prep_trained",
    "prep_need_ident",
    "prep_need_other",
    "screen_intake",
    "case_update",
    "safety_update",
    "proto_local",
    "proto_groups",
    "proto_contacts",
    "proto_mous",
    "conf_laws",
    "conf_policies",
    "conf_consent",
    "part_relations",
    "part_task_force",
    "part_member",
    "part_incorporate",
]
# Per organisation, one letter per item above: y(es), p(artly), n(o), s (not sure), - skipped.
CHECKLISTS = [
    "nyyppynpyyyyyyyy-",
    "pyynyynnsyypyyyn-",
    "yyynnyyyynyyyyn-y",
]
PLAN = {
    "plan_goal": "Train all intake staff to screen for trafficking.",
    "plan_actions": "Two workshops; add 3 questions to intake <form>.",
    "plan_timeline": "By June.",
}


def capacity_responses() -> list[StoredResponse]:
    codes = {"y": "yes", "p": "partly", "n": "no", "s": "not_sure", "-": None}
    responses = []
    for i, letters in enumerate(CHECKLISTS):
        answers: dict[str, AnswerValue] = {
            q: codes[letter] for q, letter in zip(CHECKLIST_ITEMS, letters, strict=True)
        }
        answers["role_support"] = "Emergency shelter for adults."
        if i != 1:  # the second organisation left the action plan empty
            answers.update(PLAN)
        responses.append(
            StoredResponse(f"k{i}", "capacity_checklist", 1, "en", "2024-03-20", answers)
        )
    return responses


# The guide's worked example (Appendix E step 9) spread over three interviews: per dimension
# the agreed scores whose mean is the example's calculated score (A 4.5, B 4.0, C 5.0, D 2.5,
# E 3.0, F 6.0, G 4.5; overall 29.5 / 7 = 4.21, level 4).
WORKED_EXAMPLE = {
    "A": ("4.5", "4.5", "4.5"),
    "B": ("4.0", "3.5", "4.5"),
    "C": ("5.0", "5.0", "5.0"),
    "D": ("2.5", "2.0", "3.0"),
    "E": ("3.0", "3.0", "3.0"),
    "F": ("6.0", "6.5", "5.5"),
    "G": ("4.5", "4.0", "5.0"),
}
