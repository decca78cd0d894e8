"""The requested-vs-control chart as inline SVG, drawn on the server (no script, no library)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

from budget_planner.web.formatting import wan

ROW = 34  # pixels per unit
BAR = 12
LABEL = 72  # the unit names' column, at least (wider for longer names)
CHAR = 13  # pixels a character of a unit name takes
VALUES = 150  # room right of the bars for the numbers
WIDTH = 760
TOP = 30


@dataclass(frozen=True)
class Bar:
    unit: str
    requested: Decimal
    control: Decimal | None

    @property
    def over(self) -> bool:
        return self.control is not None and self.requested > self.control


def _scale(bars: list[Bar]) -> Decimal:
    biggest = max([b.requested for b in bars] + [b.control or 0 for b in bars] + [Decimal(0)])
    return Decimal(biggest) if biggest > 0 else Decimal(1)


def _width(amount: Decimal, scale: Decimal, label: int = LABEL) -> int:
    span = WIDTH - label - VALUES
    if amount <= 0:
        return 0
    return int((amount / scale * span).to_integral_value(rounding=ROUND_HALF_UP))


def requested_vs_control(bars: list[Bar]) -> Markup:
    """Two horizontal bars per unit: 申报数 above, 控制数 below; a unit over its control is red."""
    scale = _scale(bars)
    label = max([LABEL] + [CHAR * len(b.unit) + 12 for b in bars])  # 连山壮族瑶族自治县 fits
    height = TOP + ROW * len(bars) + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="各单位申报数与控制数（万元）" xmlns="http://www.w3.org/2000/svg">',
        '<g class="legend">'
        '<rect x="72" y="6" width="12" height="12" class="bar-requested"/>'
        '<text x="90" y="16">申报数（表四合计）</text>'
        '<rect x="232" y="6" width="12" height="12" class="bar-over"/>'
        '<text x="250" y="16">超出控制数</text>'
        '<rect x="352" y="6" width="12" height="12" class="bar-control"/>'
        '<text x="370" y="16">控制数</text>'
        '<text x="752" y="16" text-anchor="end">单位：万元</text></g>',
    ]
    for i, bar in enumerate(bars):
        y = TOP + ROW * i
        kind = "bar-over" if bar.over else "bar-requested"
        w_req = _width(bar.requested, scale, label)
        parts.append(
            f'<g class="row"><title>{escape(bar.unit)}：申报 {wan(bar.requested)} 万元，'
            f"控制数 {wan(bar.control) if bar.control is not None else '未设定'}</title>"
            f'<text x="{label - 8}" y="{y + BAR + 4}" text-anchor="end">{escape(bar.unit)}</text>'
            f'<rect x="{label}" y="{y}" width="{w_req}" height="{BAR}" class="{kind}"/>'
            f'<text x="{label + w_req + 6}" y="{y + BAR - 2}" class="num">{wan(bar.requested)}</text>'
        )
        if bar.control is not None:
            w_ctl = _width(bar.control, scale, label)
            parts.append(
                f'<rect x="{label}" y="{y + BAR + 2}" width="{w_ctl}" height="{BAR - 4}" '
                f'class="bar-control"/>'
                f'<text x="{label + w_ctl + 6}" y="{y + 2 * BAR}" class="num muted">'
                f"{wan(bar.control)}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
