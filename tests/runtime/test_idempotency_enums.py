"""idempotency_key_for counts an enum member as its value, as the form encoder sends it."""

from __future__ import annotations

import enum
import uuid

import pytest

from lattice_stripe import InvalidArgumentError, idempotency_key_for


class Plan(str, enum.Enum):
    PRO = "pro"


class Tier(str, enum.Enum):  # the same values under another class name
    PRO = "pro"


class Seats(enum.IntEnum):
    TEN = 10


class Kind(enum.Enum):
    CARD = "card"
    ID = uuid.UUID("12345678-1234-5678-1234-567812345678")


class Loud(str):
    def __str__(self) -> str:
        return "LOUD"


@pytest.mark.parametrize(
    ("part", "plain"),
    [
        (Plan.PRO, "pro"),
        (Tier.PRO, "pro"),
        (Seats.TEN, 10),
        (Seats.TEN, "10"),
        (Kind.CARD, "card"),
        (Kind.ID, uuid.UUID("12345678-1234-5678-1234-567812345678")),
        (Loud("quiet"), "quiet"),
    ],
    ids=repr,
)
def test_an_enum_member_or_str_subclass_counts_as_its_plain_value(part: object, plain: object) -> None:
    assert idempotency_key_for("signup", "user_1", part) == idempotency_key_for("signup", "user_1", plain)


class Shape(enum.Enum):
    BOX = (1, 2)
    NONE = None


@pytest.mark.parametrize(
    "part", [Shape.BOX, Shape.NONE, b"bytes", 1.5, True, "", pytest.param(object(), id="object()")], ids=repr
)
def test_a_part_without_a_plain_value_is_refused_by_type(part: object) -> None:
    with pytest.raises(
        InvalidArgumentError, match="identifiers must be non-empty strings, ints, UUIDs or enum"
    ):
        idempotency_key_for("signup", part)  # type: ignore[arg-type]


def test_a_refused_part_is_not_quoted() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        idempotency_key_for("signup", b"jo@example.com")  # type: ignore[arg-type]
    assert "jo@example.com" not in str(caught.value)
