"""Loads and cross-checks the YAML question banks; every problem names its file, id and reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from questions.schema import Bank, Kind, Question, ReadinessModel

BANK_DIR = Path(__file__).parent
ARCHIVE = "archive"
"""Earlier versions of a bank, `archive/<bank>.v<N>.yaml`: open interviews keep their version."""
BANK_IDS = ("preassessment", "capacity_checklist", "full_assessment")


class BankError(ValueError):
    """A bank file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Library:
    """The readiness model and every question bank, loaded and checked together."""

    model: ReadinessModel
    banks: dict[str, Bank]
    """The current version of each bank."""
    archive: dict[tuple[str, int], Bank] = field(default_factory=dict)
    """Earlier versions still shipped, by (bank id, version)."""

    def bank(self, bank_id: str) -> Bank:
        try:
            return self.banks[bank_id]
        except KeyError:
            raise BankError(f"no question bank called {bank_id!r}") from None

    @property
    def respondent_banks(self) -> dict[str, Bank]:
        """The banks a respondent may be offered; an interviewer's bank is never among them."""
        return {bank_id: bank for bank_id, bank in self.banks.items() if bank.for_respondents}

    def version(self, bank_id: str, version: int) -> Bank | None:
        """That exact version of a bank, if this program still ships it."""
        current = self.bank(bank_id)
        if current.version == version:
            return current
        return self.archive.get((bank_id, version))


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            # libyaml's loader when PyYAML was built with it: the same safe subset, parsed in
            # C, which is most of a command-line report's start-up.
            return yaml.load(handle, Loader=SAFE_LOADER)
    except FileNotFoundError:
        raise BankError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise BankError(f"{path}: not valid YAML: {error}") from None


def _describe(error: ValidationError, data: Any) -> str:
    """Turn pydantic's error into 'id: field: reason' lines a content editor can act on."""
    lines = []
    for item in error.errors():
        location = item["loc"]
        owner = _owning_id(data, location)
        where = ".".join(str(part) for part in location)
        lines.append(f"{owner + ': ' if owner else ''}{where}: {item['msg']}")
    return "; ".join(lines)


def _owning_id(data: Any, location: tuple[int | str, ...]) -> str:
    """The id (or level) of the innermost object on the error's path, if it has one."""
    owner = ""
    node = data
    for part in location:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            for key in ("id", "level"):
                if key in node:
                    owner = str(node[key])
    return owner


def load_model(path: Path = BANK_DIR / "readiness_model.yaml") -> ReadinessModel:
    data = _read_yaml(path)
    try:
        return ReadinessModel.model_validate(data)
    except ValidationError as error:
        raise BankError(f"{path}: {_describe(error, data)}") from None


def load_bank(path: Path, model: ReadinessModel) -> Bank:
    data = _read_yaml(path)
    try:
        bank = Bank.model_validate(data)
    except ValidationError as error:
        raise BankError(f"{path}: {_describe(error, data)}") from None
    _check_references(bank, model, path)
    return bank


def _check_references(bank: Bank, model: ReadinessModel, path: Path) -> None:
    ids = [section.id for section in bank.sections] + [q.id for q in bank.questions]
    for duplicate, count in Counter(ids).items():
        if count > 1:
            raise BankError(f"{path}: {duplicate}: duplicate id")
    dimension_ids = {d.id for d in model.dimensions}
    seen: dict[str, Kind] = {}
    for section in bank.sections:
        for question in section.questions:
            if question.dimension is not None and question.dimension not in dimension_ids:
                raise BankError(f"{path}: {question.id}: unknown dimension {question.dimension}")
            if question.explains is not None:
                target = seen.get(question.explains)
                if target is None:
                    raise BankError(
                        f"{path}: {question.id}: explains {question.explains!r}, "
                        "which is not an earlier question of this bank"
                    )
                if target is Kind.INFO:
                    raise BankError(f"{path}: {question.id}: explains an info message")
            if question.when is not None:
                _check_condition(question, bank, seen, path)
            if section.dimension and question.dimension and question.dimension != section.dimension:
                raise BankError(
                    f"{path}: {question.id}: dimension {question.dimension} inside "
                    f"section {section.id} of dimension {section.dimension}"
                )
            seen[question.id] = question.kind
    if not any(q.answerable for q in bank.questions):
        raise BankError(f"{path}: {bank.id}: the bank asks nothing")


def _check_condition(question: Question, bank: Bank, seen: dict[str, Kind], path: Path) -> None:
    assert question.when is not None
    target = question.when.question
    if target not in seen:
        raise BankError(
            f"{path}: {question.id}: when refers to {target!r}, "
            "which is not an earlier question of this bank"
        )
    asked = bank.question(target)
    if asked.kind is Kind.YES_NO:
        offered = {"yes", "no", "not_sure", *(("partly",) if asked.partly else ())}
    elif asked.kind is Kind.CHOICE:
        offered = {o.id for o in asked.options}
    else:
        raise BankError(f"{path}: {question.id}: when needs a yes_no or choice question")
    unknown = sorted(set(question.when.answer_in) - offered)
    if unknown:
        raise BankError(f"{path}: {question.id}: {target} has no answer {', '.join(unknown)}")


def load_library(directory: Path = BANK_DIR) -> Library:
    model = load_model(directory / "readiness_model.yaml")
    banks = {}
    for bank_id in BANK_IDS:
        path = directory / f"{bank_id}.yaml"
        bank = load_bank(path, model)
        if bank.id != bank_id:
            raise BankError(f"{path}: {bank.id}: the bank id must match the file name")
        banks[bank_id] = bank
    return Library(
        model=model, banks=banks, archive=_load_archive(directory / ARCHIVE, model, banks)
    )


def _load_archive(
    directory: Path, model: ReadinessModel, banks: dict[str, Bank]
) -> dict[tuple[str, int], Bank]:
    archive: dict[tuple[str, int], Bank] = {}
    for path in sorted(directory.glob("*.v*.yaml")):
        bank = load_bank(path, model)
        if path.name != f"{bank.id}.v{bank.version}.yaml" or bank.id not in banks:
            raise BankError(f"{path}: {bank.id}: an archived bank is named <bank>.v<version>.yaml")
        if bank.version >= banks[bank.id].version:
            raise BankError(f"{path}: {bank.id}: archived version is not older than the current")
        archive[(bank.id, bank.version)] = bank
    return archive


@cache
def default_library() -> Library:
    """The shipped banks, loaded once per process."""
    return load_library()
