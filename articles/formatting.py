"""How figures and dates read on the public pages: “$5 billion”, “₩10.1 trillion”, “by 2027”."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

CURRENCY_SYMBOLS = {"USD": "$", "KRW": "₩", "EUR": "€", "GBP": "£", "JPY": "¥"}
CURRENCY_CODES = {
    "USD",
    "KRW",
    "EUR",
    "GBP",
    "JPY",
    "CNY",
    "TWD",
    "SGD",
    "AUD",
    "CAD",
    "HKD",
    "INR",
}
UNIT_NAMES = {
    "USD": "US dollars",
    "KRW": "South Korean won",
    "EUR": "euros",
    "GBP": "pounds sterling",
    "JPY": "Japanese yen",
    "CNY": "Chinese yuan",
    "GPU": "GPUs",
    "MW": "megawatts",
    "GW": "gigawatts",
}
# Units of measure keep their symbol in the plural (“40 MW”); counted things take an “s”.
MEASURES = {"MW", "GW", "kW", "MWh", "GWh", "TWh"}
SCALES = (
    (Decimal("1e12"), "trillion"),
    (Decimal("1e9"), "billion"),
    (Decimal("1e6"), "million"),
)


def _number(value: Decimal) -> str:
    """Up to two decimals, no trailing zeros, thousands separated: 10.1, 35,000, 2.75."""
    text = f"{value.quantize(Decimal('0.01')):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(amount: Decimal) -> str:
    for size, word in SCALES:
        if abs(amount) >= size:
            return f"{_number(amount / size)} {word}"
    return _number(amount)


def _plural(unit: str, amount: Decimal) -> str:
    if unit in MEASURES or amount == 1:
        return unit
    if unit.endswith("y") and unit[-2:-1] not in "aeiou":
        return unit[:-1] + "ies"
    return unit + "s"


def format_amount(amount: Decimal | None, unit: str) -> str:
    """A figure as a reader would say it: “$5 billion”, “₩10.1 trillion”, “35,000 GPUs”."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    if unit in CURRENCY_SYMBOLS:
        return f"{CURRENCY_SYMBOLS[unit]}{_scaled(amount)}"
    if unit in CURRENCY_CODES:
        return f"{unit} {_scaled(amount)}"
    if abs(amount) >= SCALES[-1][0]:
        return f"{_scaled(amount)} {_plural(unit, amount)}"
    return f"{_number(amount)} {_plural(unit, amount)}"


def unit_name(unit: str) -> str:
    """The unit spelt out for a chart title: “US dollars”, “GPUs”."""
    return UNIT_NAMES.get(unit, unit)


def format_target_date(value: dt.date | None, precision: str) -> str:
    """A date at the precision it was stated with: “2027”, “March 2027”, “5 March 2027”."""
    if value is None:
        return ""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"
