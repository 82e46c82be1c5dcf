"""Money is integer fen (分), CNY; never a float."""

CURRENCY = "CNY"


def display(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
