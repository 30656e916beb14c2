"""Settings: names, defaults, durations, and one clear line for anything malformed."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.telegram.app import build_application, pacing
from bot.settings import DEFAULT_API_URL, SettingsError, load_settings
from tests.helpers.web_harness import free_port

TOKEN = "123456:" + "A" * 35


def use_default_files(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """What a newcomer has: no READINESS_DATABASE, no key file setting, no XDG variables."""
    monkeypatch.delenv("READINESS_DATABASE")
    monkeypatch.delenv("READINESS_SECRET_KEY_FILE")
    monkeypatch.delenv("READINESS_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_default_files(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    data = tmp_path / ".local" / "share" / "readiness-bot"
    assert settings.telegram_token is None
    assert settings.telegram_api_url == DEFAULT_API_URL
    assert settings.data_dir == data
    assert settings.database == data / "readiness.db"
    assert settings.key_file == data / "readiness.db.key"
    assert settings.reminder == timedelta(hours=24)
    assert settings.unfinished_after == timedelta(days=30)
    assert settings.reassess_after == timedelta(days=182)


@pytest.mark.parametrize(
    ("xdg", "expected"),
    [
        ("/srv/xdg", Path("/srv/xdg/readiness-bot")),
        ("", None),
        ("relative/xdg", None),  # invalid by the XDG spec, so ignored
    ],
)
def test_the_data_directory_follows_xdg_data_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, xdg: str, expected: Path | None
) -> None:
    use_default_files(monkeypatch, tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", xdg)
    data = expected or tmp_path / ".local" / "share" / "readiness-bot"
    assert load_settings().database == data / "readiness.db"


def test_readiness_data_dir_moves_the_database_and_key_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_default_files(monkeypatch, tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/xdg")
    monkeypatch.setenv("READINESS_DATA_DIR", "/var/lib/readiness")
    settings = load_settings()
    assert settings.database == Path("/var/lib/readiness/readiness.db")
    assert settings.key_file == Path("/var/lib/readiness/readiness.db.key")


def test_an_empty_readiness_data_dir_means_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_default_files(monkeypatch, tmp_path)
    monkeypatch.setenv("READINESS_DATA_DIR", "")
    assert load_settings().data_dir == tmp_path / ".local" / "share" / "readiness-bot"


def test_an_explicit_database_wins_over_the_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_default_files(monkeypatch, tmp_path)
    monkeypatch.setenv("READINESS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("READINESS_DATABASE", str(tmp_path / "elsewhere.db"))
    settings = load_settings()
    assert settings.database == tmp_path / "elsewhere.db"
    assert settings.key_file == tmp_path / "elsewhere.db.key"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", None),
        ("86400", timedelta(days=1)),
        ("30m", timedelta(minutes=30)),
        ("2d", timedelta(days=2)),
        ("PT24H", timedelta(hours=24)),
    ],
)
def test_reminder_durations(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: timedelta | None
) -> None:
    monkeypatch.setenv("READINESS_REMINDER_AFTER", value)
    assert load_settings().reminder == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("6s", timedelta(seconds=6)), ("0", timedelta(0)), ("2", timedelta(seconds=2))],
)
def test_answer_pause_durations(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: timedelta
) -> None:
    monkeypatch.setenv("READINESS_ANSWER_PAUSE", value)
    assert load_settings().answer_pause == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("@Riverside_readiness_bot", "Riverside_readiness_bot"),
        (" lake_bot ", "lake_bot"),
    ],
)
def test_a_bot_username_is_kept_without_its_at(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str | None
) -> None:
    monkeypatch.setenv("READINESS_BOT_USERNAME", value)
    assert load_settings().bot_username == expected


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_TELEGRAM_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    settings = load_settings()
    assert "ABCDEFGHIJ" not in repr(settings)
    assert settings.telegram_token is not None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("READINESS_TELEGRAM_TOKEN", "not-a-token"),
        ("READINESS_REMINDER_AFTER", "soon"),
        ("READINESS_REMINDER_AFTER", "-5"),
        ("READINESS_UNFINISHED_DAYS", "0"),
        ("READINESS_UNFINISHED_DAYS", "a month"),
        ("READINESS_REASSESS_DAYS", "0"),
        ("READINESS_REASSESS_DAYS", "six months"),
        ("READINESS_ANSWER_PAUSE", "a moment"),
        ("READINESS_ANSWER_PAUSE", "-1"),
        ("READINESS_TELEGRAM_RATE_LIMIT", "-1"),
        ("READINESS_TELEGRAM_RATE_LIMIT", "fast"),
        ("READINESS_TELEGRAM_RATE_LIMIT", "inf"),
        ("READINESS_TELEGRAM_CHAT_RATE", "-1"),
        ("READINESS_TELEGRAM_CHAT_RATE", "nan"),
        ("READINESS_BOT_USERNAME", "riverside"),
        ("READINESS_BOT_USERNAME", "https://t.me/riverside_bot"),
    ],
)
def test_malformed_setting_names_itself(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^{name}: "):
        load_settings()


def test_run_with_a_malformed_setting_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env={
            "READINESS_TELEGRAM_TOKEN": "nope",
            "PATH": "/usr/bin:/bin",
            "READINESS_DATABASE": str(tmp_path / "r.db"),
        },
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("readiness-bot: READINESS_TELEGRAM_TOKEN:")
    assert "Traceback" not in result.stderr


def test_make_run_without_a_token_serves_the_web_channel_with_a_demonstration(
    tmp_path: Path,
) -> None:
    port = free_port()
    checkout, home = tmp_path / "checkout", tmp_path / "home"
    checkout.mkdir()
    with subprocess.Popen(
        [sys.executable, "-m", "bot.launch", "--port", str(port)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=checkout,
    ) as process:
        # A launch that never prints its link must fail the test, not hang it.
        watchdog = threading.Timer(60, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            lines: list[str] = []
            while not any("/c/" in line for line in lines) and len(lines) < 40:
                line = process.stdout.readline()
                if not line:
                    break
                lines.append(line)
            said = "".join(lines)
            assert "@BotFather" in said and "/newbot" in said
            link = next(line.split(": ", 1)[1].strip() for line in lines if "/c/" in line)
            assert link.startswith(f"http://127.0.0.1:{port}/c/")
            with urllib.request.urlopen(link, timeout=10) as page:
                assert "Demonstration County" in page.read().decode()
        finally:
            watchdog.cancel()
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0
    # Nothing in the checkout: the demonstration's database and key are in the data directory.
    assert not list(checkout.iterdir())
    data = home / ".local" / "share" / "readiness-bot"
    assert (data / "readiness.db").exists() and (data / "readiness.db.key").exists()
    assert data.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(("value", "per_second"), [(None, 30.0), ("100", 100.0), ("0.5", 0.5)])
def test_the_telegram_rate_limit_paces_the_whole_bot(
    monkeypatch: pytest.MonkeyPatch, value: str | None, per_second: float
) -> None:
    if value is not None:
        monkeypatch.setenv("READINESS_TELEGRAM_RATE_LIMIT", value)
    paced = pacing(load_settings())
    assert paced is not None and paced.bot_rate == per_second


def test_a_rate_limit_of_zero_turns_every_limit_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_TELEGRAM_RATE_LIMIT", "0")
    assert pacing(load_settings()) is None


def test_the_sender_applies_the_limits_and_ptb_none(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB's AIORateLimiter would hold a request and send it into a flood pause that began
    # meanwhile (tests/e2e/test_engine.py): the sender's own limit looks again.
    monkeypatch.setenv("READINESS_TELEGRAM_TOKEN", TOKEN)
    assert build_application(load_settings()).bot.rate_limiter is None


@pytest.mark.parametrize(
    ("rate_limit", "chat_rate", "paced"),
    [(None, None, 1.0), (None, "2", 2.0), (None, "0", 0), ("0", None, None)],
)
def test_each_chat_is_paced_unless_either_setting_is_zero(
    monkeypatch: pytest.MonkeyPatch, rate_limit: str | None, chat_rate: str | None, paced: float
) -> None:
    for name, value in (("RATE_LIMIT", rate_limit), ("CHAT_RATE", chat_rate)):
        if value is not None:
            monkeypatch.setenv(f"READINESS_TELEGRAM_{name}", value)
    limits = pacing(load_settings())
    assert (limits and limits.chat_rate) == paced


def test_the_bot_speaks_http_through_aiohttp(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.channels.telegram.transport import AiohttpRequest

    monkeypatch.setenv("READINESS_TELEGRAM_TOKEN", TOKEN)
    bot = build_application(load_settings()).bot
    assert isinstance(bot.request, AiohttpRequest)  # the calls
    assert isinstance(bot._request[0], AiohttpRequest)  # getUpdates
