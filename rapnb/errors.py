"""Errors raised by rapnb, with enough context to find the bad cell."""

from __future__ import annotations


class DataError(ValueError):
    """A dataset file that does not match the data package: names the file, row and field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.path = path
        self.row = row
        self.field = field
        self.line = line if line is not None or row is None else row + 1
        """The line of the file where the row starts (row + 1 unless given: blank lines and
        cells that span lines make them differ)."""
        where = []
        if path is not None:
            where.append(str(path))
        if row is not None:
            where.append(f"row {row} (line {self.line})")
        elif line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class UnknownSheetError(KeyError):
    """A sheet id that is not one of the plan's sheets."""

    def __init__(self, sheet: object, valid: list[str]) -> None:
        self.sheet = sheet
        self.valid = list(valid)
        super().__init__(f"unknown sheet {sheet!r}; valid sheet ids: {', '.join(self.valid)}")

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0])


class UnknownLanguageError(ValueError):
    """A language rapnb has no catalog for."""

    def __init__(self, lang: object, valid: list[str]) -> None:
        self.lang = lang
        self.valid = list(valid)
        super().__init__(f"unknown language {lang!r}; languages: {', '.join(self.valid)}")
