"""The reminder to re-assess as Telegram shows it: the community, the day its scores were
finalised, the guide's six months, and the button that repeats the assessment."""

from __future__ import annotations

from datetime import date

import pytest

from bot.channels.telegram import callbacks as cb
from bot.channels.telegram.presenter import Presenter, Text
from bot.services.reports import Material
from bot.services.views import DEFERRED, ReassessDue
from questions.loader import default_library


def reminder(locale: str) -> ReassessDue:
    return ReassessDue(
        locale=locale, campaign_id="a1b2c3d4", name="Lake & <County>", finalised_on=date(2025, 3, 4)
    )


@pytest.mark.parametrize(
    ("locale", "day", "advice", "label"),
    [
        ("en", "Mar 4, 2025", "every six months", "Repeat this assessment"),
        ("es", "4 mar 2025", "cada seis meses", "Repetir esta evaluación"),
    ],
)
def test_the_reminder_names_the_round_and_offers_to_repeat_it(
    locale: str, day: str, advice: str, label: str
) -> None:
    # As the outbox stores and the sender reads it back.
    view = DEFERRED.validate_python(reminder(locale).model_dump(mode="json"))
    assert view == reminder(locale)

    (rendered,) = Presenter(default_library()).deferred(view, Material(campaign=None))

    assert isinstance(rendered, Text)
    assert "Lake &amp; &lt;County&gt;" in rendered.text
    assert day in rendered.text
    assert advice in rendered.text
    ((button,),) = rendered.buttons
    assert button == (label, cb.encode(cb.CampaignAction("g", "a1b2c3d4")))
    assert cb.decode(button[1]) == cb.CampaignAction("g", "a1b2c3d4")
