"""`readiness-bot scorecard` as an operator runs it, for scorecards done on paper: two
scorers' Independent Scorecards imported, their differences flagged, the agreed Combined
Scorecard imported, and the Calculated Scorecard equal to Appendix E worked out here."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

from bot.storage.db import Store
from questions.schema import DIMENSION_IDS
from tests.e2e.test_campaign_create import CREATE, cli, rows

NAMES = {
    "A": "A. Community equity",
    "B": "B. Existing community efforts",
    "C": "C. Community knowledge of the efforts",
    "D": "D. Leadership",
    "E": "E. Community climate",
    "F": "F. Community knowledge about the issue",
    "G": "G. Resources related to the issue",
}
ANA = {d: ("4", "4.5", "3") for d in DIMENSION_IDS}
BEN = {d: ("4", "3.5", "3.5") for d in DIMENSION_IDS}
AGREED = {
    "A": ("4.5", "4.5", "4.5"),
    "B": ("4", "3.5", "4.5"),
    "C": ("5", "5", "5"),
    "D": ("2.5", "2", "3"),
    "E": ("3", "3", "3"),
    "F": ("6", "6.5", "5.5"),
    "G": ("4.5", "4", "5"),
}


def sheet(title: str, who: str, columns: list[str], scores: dict[str, tuple[str, ...]]) -> str:
    """The guide's table as a spreadsheet saves it to CSV."""
    lines = [
        f"{title},,,",
        f"Interviewer Name: {who},,Date: 2026-11-30,",
        "Dimensions,Key Respondents,,",
        ",".join(["", *columns]),
    ]
    lines += [",".join([NAMES[d], *scores[d]]) for d in DIMENSION_IDS]
    return "\n".join(lines) + "\n"


async def campaign_with_three_responses(tmp_path: Path) -> str:
    created = await cli(tmp_path, *CREATE, "--json")
    assert created.returncode == 0, created.err
    campaign_id = str(json.loads(created.out)["id"])
    store = await Store.open(tmp_path / "readiness.db")
    try:
        async with store.transaction() as tx:
            for number in range(3):
                await tx.responses.store(
                    campaign_id=campaign_id,
                    bank="preassessment",
                    bank_version=2,
                    locale="en",
                    answers={"community": f"answer {number}"},
                    receipt_digest=f"d{number}",
                    completed_on=date.today(),
                )
    finally:
        await store.close()
    return campaign_id


async def test_paper_scorecards_in_the_calculated_scorecard_out(tmp_path: Path) -> None:
    campaign_id = await campaign_with_three_responses(tmp_path)
    labels = [row[0] for row in rows(tmp_path, "SELECT label FROM responses ORDER BY label")]
    (tmp_path / "ana.csv").write_text(
        sheet("Independent Scorecard", "Ana", ["#1", "#2", "#3"], ANA)
    )
    (tmp_path / "ben.csv").write_text(sheet("Independent Scorecard", "Ben", labels, BEN))

    for name in ("Ana", "Ben"):
        ran = await cli(tmp_path, "scorecard", "import", campaign_id, "--scorer", name,
                        str(tmp_path / f"{name.lower()}.csv"))  # fmt: skip
        assert ran.returncode == 0, ran.err
        assert "3 interview(s)" in ran.out

    ran = await cli(tmp_path, "scorecard", campaign_id, "--json")
    assert ran.returncode == 0, ran.err
    found = json.loads(ran.out)
    assert found["interviews"] == labels
    assert [s["name"] for s in found["scorers"]] == ["Ana", "Ben"]
    assert found["agreement"]["pairs"] == 21
    assert found["agreement"]["exact"] == round(7 / 21, 2)
    # Only the second interview's scores are a whole level apart (4.5 against 3.5).
    assert {(f["interview"], f["dimension"]) for f in found["flagged"]} == {
        (labels[1], d) for d in DIMENSION_IDS
    }
    assert found["overall"] is None  # nothing agreed yet
    assert found["unagreed"] == 21

    combined = sheet("Combined Scorecard", "Ana and Ben", labels, AGREED)
    (tmp_path / "combined.csv").write_text(combined)
    ran = await cli(tmp_path, "scorecard", "consensus", campaign_id, str(tmp_path / "combined.csv"))
    assert ran.returncode == 0, ran.err

    ran = await cli(tmp_path, "scorecard", campaign_id, "--json")
    found = json.loads(ran.out)
    means = {d: sum(Fraction(s) for s in AGREED[d]) / 3 for d in DIMENSION_IDS}
    assert {d["id"]: d["level"] for d in found["dimensions"]} == {
        d: int(m) for d, m in means.items()
    }
    overall = sum(means.values()) / 7
    assert found["overall"]["level"] == int(overall) == 4
    assert found["overall"]["score"] == int(overall * 100) / 100
    assert found["for"] == "preassessment" and found["decision"] == "proceed"
    text = await cli(tmp_path, "scorecard", campaign_id)
    assert "Calculated scorecard" in text.out and labels[1] in text.out


async def test_a_wrong_file_changes_nothing_and_says_why(tmp_path: Path) -> None:
    campaign_id = await campaign_with_three_responses(tmp_path)
    wrong = sheet("Independent Scorecard", "Ana", ["#1", "#9"], {d: ("4", "4") for d in NAMES})
    (tmp_path / "wrong.csv").write_text(wrong)
    ran = await cli(tmp_path, "scorecard", "import", campaign_id, "--scorer", "Ana",
                    str(tmp_path / "wrong.csv"))  # fmt: skip
    assert ran.returncode == 2
    assert "#9" in ran.err
    (tmp_path / "bad.csv").write_text(sheet("Independent Scorecard", "Ana", ["#1"], {
        d: ("4.25",) for d in NAMES}))  # fmt: skip
    ran = await cli(tmp_path, "scorecard", "import", campaign_id, "--scorer", "Ana",
                    str(tmp_path / "bad.csv"))  # fmt: skip
    assert ran.returncode == 2
    assert "4.25" in ran.err
    assert rows(tmp_path, "SELECT COUNT(*) FROM scores") == [(0,)]
    assert rows(tmp_path, "SELECT COUNT(*) FROM staff") == [(0,)]
    ran = await cli(tmp_path, "scorecard", "import", campaign_id, str(tmp_path / "bad.csv"))
    assert ran.returncode == 2 and "--scorer" in ran.err
    ran = await cli(tmp_path, "scorecard", "nope")
    assert ran.returncode != 0 and "no campaign" in ran.err


async def test_export_writes_the_scorecards_and_json_lists_the_rounds(tmp_path: Path) -> None:
    campaign_id = await campaign_with_three_responses(tmp_path)
    labels = [row[0] for row in rows(tmp_path, "SELECT label FROM responses ORDER BY label")]
    (tmp_path / "ana.csv").write_text(sheet("Independent Scorecard", "Ana", labels, ANA))
    ran = await cli(tmp_path, "scorecard", "import", campaign_id, "--scorer", "Ana",
                    str(tmp_path / "ana.csv"))  # fmt: skip
    assert ran.returncode == 0, ran.err
    (tmp_path / "combined.csv").write_text(sheet("Combined Scorecard", "Ana", labels, AGREED))
    ran = await cli(tmp_path, "scorecard", "consensus", campaign_id, str(tmp_path / "combined.csv"))
    assert ran.returncode == 0, ran.err

    out = tmp_path / "files"
    ran = await cli(tmp_path, "scorecard", "export", campaign_id, "--out", str(out))
    assert ran.returncode == 0, ran.err
    written = [Path(line) for line in ran.out.splitlines()]
    stem = f"scorecards-{campaign_id}"
    assert [p.name for p in written] == [
        f"{stem}-independent-ana.csv",
        f"{stem}-combined.csv",
        f"{stem}-calculated.csv",
        f"{stem}.xlsx",
    ]
    assert all(p.parent == out and p.stat().st_size > 0 for p in written)
    # What was written reads back: the export's Independent Scorecard is Ana's own scores.
    ana = written[0].read_text(encoding="utf-8-sig")
    assert "Independent Scorecard" in ana and "Interviewer Name:,Ana" in ana
    assert "4.21" in written[2].read_text(encoding="utf-8-sig")

    ran = await cli(tmp_path, "scorecard", campaign_id, "--json")
    found = json.loads(ran.out)
    # Not finalised, and these respondents rated no dimension: the one round has no levels yet.
    assert found["rounds"] == [
        {
            "round": 1,
            "campaign": campaign_id,
            "date": found["rounds"][0]["date"],
            "source": None,
            "overall": None,
            "levels": {},
        }
    ]
    assert date.fromisoformat(found["rounds"][0]["date"])

    ran = await cli(tmp_path, "scorecard", "export", campaign_id)
    assert ran.returncode != 0 and "--out" in ran.err
