"""The preassessment built the way python-telegram-bot documents a conversation: one
`ConversationHandler(persistent=True)` with a state per question, `PicklePersistence`, and
`Application.run_polling()`. `make bench` runs it as a child process against the same fake
Bot API and drives it with the same simulated respondents as the real bot.

Screens are simpler than the bot's (no languages, no staircase rating, no review to scan),
but use the callback protocol the respondents understand: `c:<sid>:yes` consent,
`n:<sid>:<question>` continue, `a:<sid>:<question>:<value>` an answer, `b:<sid>:<question>`
back (which also tells a respondent that a screen without answer buttons wants text),
`S:<sid>` submit. Answers live in `user_data`, the pickle the persistence writes.

Settings come from the bot's own variables so the harness can start either program:
READINESS_TELEGRAM_TOKEN, READINESS_TELEGRAM_API_URL, READINESS_DATABASE (the pickle is
written beside it) and READINESS_TELEGRAM_RATE_LIMIT (0: no limiter).
"""

from __future__ import annotations

import os
import secrets
import warnings
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)
from telegram.warnings import PTBUserWarning

from questions.loader import default_library
from questions.schema import Kind, Question

CONSENT = -2
REVIEW = -3
Context = ContextTypes.DEFAULT_TYPE


def pickle_path() -> Path:
    return Path(os.environ["READINESS_DATABASE"]).with_suffix(".pickle")


def questions() -> list[Question]:
    bank = default_library().bank("preassessment")
    return [q for section in bank.sections for q in section.questions]


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def screen(question: Question, sid: str) -> tuple[str, InlineKeyboardMarkup]:
    """A question's text and buttons; every screen has buttons, so a respondent sees where
    she is."""
    prefix = f"a:{sid}:{question.id}"
    if question.kind is Kind.INFO:
        rows = [[("Continue", f"n:{sid}:{question.id}")]]
    elif question.kind is Kind.CHOICE:
        rows = [[(option.label, f"{prefix}:{option.id}")] for option in question.options]
    elif question.kind is Kind.SCALE:
        rows = [[(str(n), f"{prefix}:{n}") for n in range(1, 6)]]
        rows.append([(str(n), f"{prefix}:{n}") for n in range(6, 11)])
    elif question.kind is Kind.LEVEL:
        rows = [[(str(n), f"{prefix}:{n}") for n in range(1, 10)]]
        rows.append([("I don't know", f"{prefix}:dont_know")])
    else:
        rows = [[("Back", f"b:{sid}:{question.id}")]]
    return question.prompt, _keyboard(rows)


class Interview:
    """The handlers of one conversation; the state is the index of the current question."""

    def __init__(self, asked: list[Question]) -> None:
        self.asked = asked

    def _show(self, index: int, context: Context) -> tuple[int, str, InlineKeyboardMarkup]:
        if index >= len(self.asked):
            sid = context.user_data["sid"]  # type: ignore[index]
            count = len(context.user_data["answers"])  # type: ignore[index]
            return REVIEW, f"Review: {count} answers.", _keyboard([[("Submit", f"S:{sid}")]])
        text, markup = screen(self.asked[index], context.user_data["sid"])  # type: ignore[index]
        return index, text, markup

    async def start(self, update: Update, context: Context) -> int:
        assert update.message is not None and context.user_data is not None
        sid = secrets.token_hex(4)
        context.user_data.update(sid=sid, answers={})
        markup = _keyboard([[("I agree", f"c:{sid}:yes"), ("No", f"c:{sid}:no")]])
        await update.message.reply_text("Do you agree to take part?", reply_markup=markup)
        return CONSENT

    async def consent(self, update: Update, context: Context) -> int:
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer()
        if not query.data.endswith(":yes"):
            await query.edit_message_text("Thank you. Nothing was kept.")
            return ConversationHandler.END
        state, text, markup = self._show(0, context)
        await query.edit_message_text(text, reply_markup=markup)
        return state

    def tapped(self, index: int) -> Any:
        async def handle(update: Update, context: Context) -> int:
            query = update.callback_query
            assert query is not None and query.data is not None
            assert context.user_data is not None
            await query.answer()
            parts = query.data.split(":")
            if parts[0] == "a":
                context.user_data["answers"][self.asked[index].id] = parts[3]
            target = max(index - 1, 0) if parts[0] == "b" else index + 1
            state, text, markup = self._show(target, context)
            await query.edit_message_text(text, reply_markup=markup)
            return state

        return handle

    def typed(self, index: int) -> Any:
        async def handle(update: Update, context: Context) -> int:
            assert update.message is not None and context.user_data is not None
            context.user_data["answers"][self.asked[index].id] = update.message.text
            state, text, markup = self._show(index + 1, context)
            await update.message.reply_text(text, reply_markup=markup)
            return state

        return handle

    async def submit(self, update: Update, context: Context) -> int:
        query = update.callback_query
        assert query is not None and query.message is not None
        assert context.user_data is not None
        await query.answer()
        context.user_data["done"] = True
        code = secrets.token_hex(4).upper()
        await context.bot.send_message(
            query.message.chat.id, f"Thank you. Your receipt code: {code}"
        )
        return ConversationHandler.END

    def handler(self) -> ConversationHandler:  # type: ignore[type-arg]
        states: dict[object, list[Any]] = {
            CONSENT: [CallbackQueryHandler(self.consent, pattern=r"^c:")],
            REVIEW: [CallbackQueryHandler(self.submit, pattern=r"^S:")],
        }
        for index, question in enumerate(self.asked):
            handlers: list[Any] = [CallbackQueryHandler(self.tapped(index), pattern=r"^[anb]:")]
            if question.kind is Kind.TEXT:
                handlers.append(MessageHandler(filters.TEXT & ~filters.COMMAND, self.typed(index)))
            states[index] = handlers
        return ConversationHandler(
            entry_points=[CommandHandler("start", self.start)],
            states=states,  # type: ignore[arg-type]
            fallbacks=[CommandHandler("start", self.start)],
            allow_reentry=True,
            name="preassessment",
            persistent=True,
        )


def main() -> None:
    # Callback queries in a per-chat conversation: what the documentation's examples do.
    warnings.filterwarnings("ignore", category=PTBUserWarning)
    builder = (
        Application.builder()
        .token(os.environ["READINESS_TELEGRAM_TOKEN"])
        .base_url(os.environ["READINESS_TELEGRAM_API_URL"])
        .persistence(PicklePersistence(filepath=pickle_path()))
    )
    limit = float(os.environ.get("READINESS_TELEGRAM_RATE_LIMIT", "30"))
    if limit > 0:
        limiter = AIORateLimiter(overall_max_rate=limit, overall_time_period=1)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    application = builder.build()
    application.add_handler(Interview(questions()).handler())
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
