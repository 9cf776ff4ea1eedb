"""The chart designs: each drawn once with Altair and kept as a Vega-Lite dict.

Building an Altair chart costs 10-15 ms and copying its dict about 0.3 ms, so a
design is made once (``design_cache.design``: per process, and kept in the build
cache) and each page only puts its
rows into ``data.values`` (see ``builders.py``). Everything a page changes is in
the data; the designs derive labels from it with Vega expressions, so the inline
data stays exactly the rows the page gives.

Each design is made per language (``lang``, a hashable frozen dataclass, is part
of the cache key): axis and tooltip titles, the words inside Vega expressions, the
percent sign and the category domains come from it, and the spec carries the
locale's number format in ``usermeta.formatLocale`` for vl-convert and vega-embed,
so that Vega's own ``format()`` and axis labels write numbers as the tables do.
Text put into a Vega expression is always a JSON string literal (``_js``), so a
translation with quotes or apostrophes ("taux d'emploi") cannot break it.

Altair is imported inside the design functions, not at the top: the spawned SVG
workers import this package and need only vl-convert, and importing Altair costs
about half a second a process.
"""

from __future__ import annotations

import json
import string
import textwrap
from collections.abc import Callable

from ..i18n import Language
from .design_cache import design
from .model import (BLUE, DESTINATION_COLOURS, DESTINATIONS, INK, MUTED, NOT_PUBLISHED, SKY_BLUE, STATUS_COLOURS,
                    STATUSES, VERMILLION, format_locale, interval_title, percent_affixes)

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Total width, drawn for a phone first: the SVG scales to its column (site.css), 288 px on a 320 px phone
#: (12 px text reads at 10 px) and 358 px at 390 px; on a wide screen it grows to at most 28rem. A chart
#: drawn 600 px wide had to scroll sideways on a phone, and hid the later years and the right of every bar.
WIDTH = 340
#: Padding around the plot; text may come out up to 10% wider in a browser than vl-convert measured.
PADDING = 12
#: Plot width of a chart with no axis at its left. The width is fixed rather than fitted
#: (autosize "fit"), which would make Vega lay the chart out twice: it doubled the render time.
PLOT_WIDTH = WIDTH - 2 * PADDING
#: Height of one row of a labelled bar chart: up to two lines of text above a 16 px bar.
ROW = 60
BAR_OFFSET = 9  # the bar sits this far below the row's centre, the text lines just above it
LINE = 15  # the distance between the two lines of a row's name
GRID = "#e3e3e3"
AXIS_LINE = "#767676"  # 4.5:1 on white



def _js(text: str) -> str:
    """``text`` as a string literal inside a Vega expression.

    Vega's expression parser reads JavaScript string literals, of which JSON
    strings (double quotes, backslash escapes, non-ASCII as \\u escapes) are a
    subset: whatever quotes a translation holds, it stays one literal.
    """
    return json.dumps(text, ensure_ascii=True)


def _written(template: str, **fields: str) -> str:
    """A Vega expression writing a translated ``template``, each ``{field}`` the value of a Vega expression.

    ``_written("After {months} months", months="datum.months_after")`` ->
    ``'' + "After " + (datum.months_after) + " months"``; the leading ``''`` makes
    ``+`` join text even when a template starts with two numbers.
    """
    parts = ["''"]
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(_js(literal))
        if name is not None:
            parts.append(f"({fields[name]})")
    return " + ".join(parts)


def _plural(forms: Callable[[int], str], count: str, /, **fields: str) -> str:
    """A Vega expression writing ``forms(1)`` (the singular) when ``count`` is 1, else ``forms(2)`` (the plural).

    Vega cannot run gettext's plural rules, so a count of 1 takes the singular and
    every other count the plural: right for English, Dutch and French at the counts
    charts show (bases of at least a few graduates, months after qualifying).
    """
    return f"(({count}) == 1 ? {_written(forms(1), **fields)} : {_written(forms(2), **fields)})"


#: d3-format for a figure to its published digits: a tenth where it has one, else none (``i18n.published_decimals``).
_PUBLISHED_DIGITS = ".1~f"


def _pct(lang: Language, value: str, digits: int | None = None) -> str:
    """Vega expression: a percentage as the locale writes it ("61.2%", "61,2 %"), with ``digits`` decimals or,
    without, to its published digits ("60%"), as ``i18n.Language.pct`` writes it; the number by Vega's locale."""
    prefix, suffix = percent_affixes(lang)
    pattern = _PUBLISHED_DIGITS if digits is None else f".{digits}f"
    return " + ".join([*([_js(prefix)] if prefix else []), f"format({value}, '{pattern}')",
                       *([_js(suffix)] if suffix else [])])


def _pct_or_hidden(lang: Language, value: str) -> str:
    """Vega expression: the percentage of ``value`` to its published digits, or "not published"."""
    return f"isValid({value}) ? {_pct(lang, value)} : {_js(lang.gettext(NOT_PUBLISHED))}"


def _interval(lang: Language) -> str:
    """Vega expression: the 95% interval as in the tables ("70–84.6%"), or ''."""
    return (f"isValid(datum.ci_low) && isValid(datum.ci_high) ? format(datum.ci_low, '{_PUBLISHED_DIGITS}') + '–' + "
            f"{_pct(lang, 'datum.ci_high')} : ''")


def target_percent(target: float, lang: Language) -> str:
    """The EU target as a percentage with only the decimals it has: "82%", "82.5%"."""
    decimals = f"{target:g}".partition(".")[2]
    return lang.pct(target, len(decimals))


def _alt():
    import altair as alt

    return alt


def _themed(chart, key: str | list[str] = "", plot_width: int = PLOT_WIDTH):
    """Apply the house style: fixed width, system fonts, dark text, no frame.

    The chart's title is not drawn: the page shows ``Chart.title`` as the figure's
    caption (HTML wraps, scales and translates; SVG text does not), and the SVG
    carries it as its ``<title>``. ``key`` is a line or two drawn at the top to say how to read it.
    """
    alt = _alt()
    if key:  # drawn as a title in body text, since Vega draws no subtitle without a title
        chart = chart.properties(title=alt.TitleParams(key, fontSize=12, fontWeight="normal", color=INK,
                                                       lineHeight=16))
    return (chart.properties(width=plot_width, autosize=alt.AutoSizeParams(type="pad"))
            # aria=False: the SVG as a whole is one image named by its <title> and <desc>, and the data
            # are in the chart's table; per-mark labels would repeat them in internal field names.
            .configure(font=FONT, background="white", aria=False,
                       padding={"left": PADDING, "right": PADDING, "top": 6, "bottom": 6})
            .configure_view(stroke=None)
            .configure_axis(labelColor=INK, titleColor=INK, labelFontSize=12, titleFontSize=12,
                            titleFontWeight="normal", domainColor=AXIS_LINE, tickColor=AXIS_LINE, gridColor=GRID)
            .configure_legend(labelColor=INK, titleColor=INK, labelFontSize=12, titleFontSize=12,
                              titleFontWeight="normal", symbolType="square", symbolSize=180)
            .configure_title(anchor="start", offset=12)
            .configure_text(color=INK, fontSize=13))


def _spec(chart, lang: Language) -> dict:
    """The design's Vega-Lite dict, checked to draw every layer from the one inline dataset.

    It carries ``lang``'s number format as ``usermeta.formatLocale``: the renderer
    (``rendering.py``) and ``charts.js`` hand it to Vega, and being in the spec it
    is part of the SVG cache key.
    """
    spec = chart.to_dict()
    if set(spec.get("data", {})) != {"values"} or "datasets" in spec or _layer_data(spec.get("layer", [])):
        raise AssertionError("a chart design must draw every layer from the top-level data.values")
    spec["data"] = {"values": []}
    spec["usermeta"] = {"formatLocale": format_locale(lang)}
    return spec


def _layer_data(layers) -> bool:
    return any("data" in layer or _layer_data(layer.get("layer", [])) for layer in layers)


def _percent_axis(title: str, lang: Language):
    """A 0-100 axis labelled in whole percent ("60%", "60 %")."""
    alt = _alt()
    return alt.Axis(title=title, values=[0, 25, 50, 75, 100], labelExpr=_pct(lang, "datum.value", 0), grid=True,
                    tickCount=5)


def _labelled_bars(lang: Language, *, label: str, figure: str, x_title: str, tooltip: list, measure: str = "share",
                   calculate: dict | None = None, bar=None, extra_layers=(), x_scale=None, x_axis=None,
                   bar_colour: str = BLUE, figure_at_right: bool = True):
    """Rows of "label ... figure" text with a bar under each, so that long names get the full width.

    ``label`` and ``figure`` are Vega expressions for the text at the left and the
    right of each row; ``measure`` is the field whose None marks the row as not
    published, in which case "not published" is written where the bar would be. With
    ``figure_at_right=False`` the figure follows the label ("EU27 2024: 80.0%"),
    leaving the right of the chart free for a reference line.
    ``bar(base, y, x_scale, x_axis)`` and each of ``extra_layers(base, y, x_scale, x_axis)``
    draw from the same rows.
    """
    alt = _alt()
    valid = f"isValid(datum.{measure})"
    # Transforms every layer needs run once, on the layer chart; each layer only filters.
    base = alt.Chart()
    shared = [("window", {"row": "row_number()"})]
    if calculate:
        shared.append(("calculate", calculate))
    shared.append(("calculate", {"row_figure": figure}))
    # A name longer than the room the figure at the right leaves goes on two lines, broken at a space;
    # longer still, the second line is cut short with "…" (the name is in full in the tooltip and the
    # table). Counting characters rather than setting the text mark's "limit" spares vl-convert a dozen
    # text measurements a row (~1 ms each). The allowance is for wide fonts (DejaVu Sans): 7.5 px a
    # character at 13 px, 9 px a bold one.
    across = PLOT_WIDTH * 2 // 15
    room = (f"floor(({PLOT_WIDTH} - 16 - 9 * length(datum.row_figure)) / 7.5)" if figure_at_right
            else str(across))
    # Translators: a name and its figure, e.g. "Country: 80.0%" (French puts a space before the colon).
    full = label if figure_at_right else _written(lang.gettext("{label}: {value}"), label=label,
                                                  value="datum.row_figure")
    fits = f"length(datum.row_full) <= {room}"
    shared += [
        ("calculate", {"row_full": full}),
        ("calculate", {"row_break": f"{fits} ? -1 : lastindexof(substring(datum.row_full, 0, {across + 1}), ' ')"}),
        ("calculate", {"row_first": f"{fits} ? '' : datum.row_break > 0 ? "
                                    f"substring(datum.row_full, 0, datum.row_break) : "
                                    f"substring(datum.row_full, 0, {across})"}),
        ("calculate", {"row_rest": f"{fits} ? datum.row_full : trim(substring(datum.row_full, "
                                   f"datum.row_break > 0 ? datum.row_break + 1 : {across}))"}),
        ("calculate", {"row_label": f"length(datum.row_rest) > {room} ? "
                                    f"trim(substring(datum.row_rest, 0, {room} - 1)) + '…' : datum.row_rest"})]
    y = alt.Y("row:O", axis=None, title=None)
    x_scale = x_scale or alt.Scale(domain=[0, 100])
    x_axis = x_axis or _percent_axis(x_title, lang)
    if bar is None:
        def bar(base, y, x_scale, x_axis):
            return base.transform_filter(valid).mark_bar(height=16, yOffset=BAR_OFFSET, color=bar_colour).encode(
                y=y, x=alt.X(f"{measure}:Q", scale=x_scale, axis=x_axis), tooltip=tooltip)
    layers = [
        base.mark_text(align="left", baseline="bottom", dy=-1 - LINE).encode(
            y=y, x=alt.value(0), text="row_first:N", tooltip=tooltip),
        base.mark_text(align="left", baseline="bottom", dy=-1).encode(
            y=y, x=alt.value(0), text="row_label:N", tooltip=tooltip),
        bar(base, y, x_scale, x_axis),
        # The reason is not drawn: it is in the description, the table and, once, on the page; at a
        # phone's width it would not fit in one line.
        base.transform_filter(f"!{valid}")
        .mark_text(align="left", baseline="middle", yOffset=BAR_OFFSET, fontStyle="italic", color=MUTED,
                   fontSize=12).encode(y=y, x=alt.value(0), text=alt.value(lang.gettext(NOT_PUBLISHED))),
        *[layer(base, y, x_scale, x_axis) for layer in extra_layers],
    ]
    if figure_at_right:
        layers.insert(1, base.mark_text(align="right", baseline="bottom", dy=-1, fontWeight="bold").encode(
            y=y, x=alt.value({"expr": "width"}), text="row_figure:N", tooltip=tooltip))
    return _shared(alt.layer(*layers, data=alt.Data(values=[])), shared).properties(height=alt.Step(ROW))


def _shared(chart, transforms):
    """Apply ``(kind, arguments)`` transforms, e.g. ``("calculate", {"a": "datum.b"})``, to a layer chart."""
    for kind, arguments in transforms:
        chart = getattr(chart, f"transform_{kind}")(**arguments)
    return chart


@design
def destinations(lang: Language) -> dict:
    """Stacked bars of the five destinations, one per observation point, each named above its bar.

    The rows name destinations translated; colours and stacking follow ``model.DESTINATIONS``.
    """
    alt = _alt()
    domain = [lang.gettext(d) for d in DESTINATIONS]
    hidden_text = _js(lang.gettext(NOT_PUBLISHED))
    order = _js(domain)
    base = alt.Chart()
    y = alt.Y("months_after:O", title=None, sort="ascending", axis=None)
    offset = 14  # the bar's centre below the row's centre; the row's name sits above it
    x_scale = alt.Scale(domain=[0, 100])
    stacked = (base.transform_filter("isValid(datum.share)")
               .transform_stack(stack="share", groupby=["months_after"], as_=["x0", "x1"],
                                sort=[alt.SortField("dest_order")])
               .transform_calculate(mid="(datum.x0 + datum.x1) / 2"))
    tooltip = [alt.Tooltip("months_after:O", title=lang.gettext("Months after qualifying")),
               alt.Tooltip("destination:N", title=lang.gettext("Destination")),
               alt.Tooltip("share_text:N", title=lang.gettext("Share"))]
    colour = alt.Color("destination:N", title=None,
                       scale=alt.Scale(domain=domain, range=list(DESTINATION_COLOURS)),
                       legend=alt.Legend(orient="top", direction="horizontal", columns=2, labelLimit=140,
                                         columnPadding=16, rowPadding=6, offset=12))
    bars = stacked.mark_bar(height=26, yOffset=offset, stroke="white", strokeWidth=1).encode(
        y=y, x=alt.X("x0:Q", scale=x_scale, axis=_percent_axis(lang.gettext("Share of graduates"), lang)), x2="x1:Q",
        color=colour, tooltip=tooltip)
    # A segment narrower than 10 points (32 px) cannot hold "61%"; its figure is in the tooltip and the table.
    labels = (stacked.transform_filter("datum.share >= 10")
              .transform_calculate(segment_text=_pct(lang, "datum.share", 0))
              .mark_text(baseline="middle", yOffset=offset).encode(
                  y=y, x=alt.X("mid:Q", scale=x_scale), text="segment_text:N", tooltip=tooltip,
                  color=alt.condition(f"datum.destination == {_js(domain[1])}", alt.value("white"),
                                      alt.value("black"))))
    # Hidden destinations are drawn as one outlined box filling the rest of the bar: its length is
    # 100% minus the published shares, which anyone can work out, and nothing is split among them.
    hidden = (base.transform_joinaggregate(published="sum(share)", cells="count()", groupby=["months_after"])
              .transform_filter("!isValid(datum.share)")
              .transform_aggregate(published="max(published)", cells="max(cells)", hidden_count="count()",
                                   groupby=["months_after"])
              .transform_calculate(start="datum.published || 0", box_mid="(datum.start + 100) / 2"))
    boxes = hidden.mark_bar(height=26, yOffset=offset, fill="white", stroke=MUTED, strokeDash=[4, 3],
                            strokeWidth=1.5).encode(y=y, x=alt.X("start:Q", scale=x_scale), x2=alt.datum(100))
    # Which destinations the box holds, and why they are hidden, is said under the chart and once on the
    # page: at a phone's width a list of names over the bar would run into the row's name. A box too short
    # for "not published" (36 points, 114 px) has it written above its right end instead.
    wide_box = "100 - datum.start >= 36"
    box_text = (hidden.transform_calculate(box_text=f"{wide_box} ? {hidden_text} : ''")
        .mark_text(baseline="middle", yOffset=offset, fontStyle="italic", color=MUTED, fontSize=12)
        .encode(y=y, x=alt.X("box_mid:Q", scale=x_scale), text="box_text:N"))
    names = (base.transform_aggregate(cells="count()", groupby=["months_after"])
             .transform_calculate(name=_plural(
                 lambda n: lang.ngettext("After {months} month", "After {months} months", n), "datum.months_after",
                 months="datum.months_after"))
             .mark_text(align="left", baseline="bottom", dy=-2).encode(y=y, x=alt.value(0), text="name:N"))
    notes = (hidden.transform_filter(f"!({wide_box})")
             .mark_text(align="right", baseline="bottom", dy=-2, fontStyle="italic", color=MUTED, fontSize=12)
             .encode(y=y, x=alt.value({"expr": "width"}), text=alt.value(lang.gettext(NOT_PUBLISHED))))
    chart = alt.layer(bars, labels, boxes, box_text, names, notes, data=alt.Data(values=[])).transform_calculate(
        dest_order=f"indexof({order}, datum.destination)",
        share_text=_pct_or_hidden(lang, "datum.share"),
    ).properties(height=alt.Step(60))
    return _spec(_themed(chart), lang)


@design
def cohorts(years: int, lang: Language) -> dict:
    """Employment rate by cohort: a point with its 95% interval, its figure above, the base under each year.

    How much fits under and above each year depends on how many years share the
    260 px of a phone-sized plot: the base as "1,250 graduates" (on two lines) up
    to 4 years, as "1,250" up to 6 (the axis title says what it is), then only in
    the tooltip and the table, where the figure above each point is also rounded
    to whole percent.
    """
    alt = _alt()
    many = years > 6
    year_title = lang.gettext("Year of qualifying")
    if years <= 4:
        # "65 graduates" on two lines under the year ("65", "graduates"): a phone gives each year 65 px.
        count = _plural(lambda n: lang.ngettext("{count} graduate", "{count} graduates", n), "datum.base",
                        count="format(datum.base, ',')")
        base_line, x_title = f"replace({count}, ' ', '|')", year_title
    elif years <= 6:
        base_line, x_title = "format(datum.base, ',')", lang.gettext("Year of qualifying and graduates in the base")
    else:
        base_line, x_title = "", year_title
    axis_label = (f"datum.cohort + '|' + (isValid(datum.base) ? {base_line} : ' ')" if base_line
                  else "datum.cohort")
    calculated = dict(
        axis_label=axis_label,
        share_text=_pct_or_hidden(lang, "datum.share"),
        point_text=_pct(lang, "datum.share", 0 if many else None),
        top="isValid(datum.ci_high) ? datum.ci_high : datum.share",
        ci_text=_interval(lang),
        base_text="isValid(datum.base) ? format(datum.base, ',') : ''")
    base = alt.Chart()
    x = alt.X("axis_label:O", title=x_title, sort="ascending",
              axis=alt.Axis(labelExpr="split(datum.label, '|')", labelAngle=0, labelFontSize=12,
                            labelLineHeight=16, labelPadding=6, titlePadding=10))
    y_scale = alt.Scale(domain=[0, 100])
    y = alt.Y("share:Q", scale=y_scale,
              axis=_percent_axis(lang.gettext("Employed 12 months after qualifying"), lang))
    tooltip = [alt.Tooltip("cohort:N", title=year_title),
               alt.Tooltip("share_text:N", title=lang.gettext("Employment rate")),
               alt.Tooltip("ci_text:N", title=interval_title(lang)),
               alt.Tooltip("base_text:N", title=lang.gettext("Graduates in base"))]
    published = base.transform_filter("isValid(datum.share)")
    whiskers = [published.transform_filter(f"isValid(datum.{end})").mark_tick(
        color=INK, size=12, thickness=1.5, orient="horizontal").encode(x=x, y=alt.Y(f"{end}:Q", scale=y_scale))
        for end in ("ci_low", "ci_high")]
    chart = alt.layer(
        published.transform_filter("isValid(datum.ci_low) && isValid(datum.ci_high)").mark_rule(
            color=INK, strokeWidth=1.5).encode(x=x, y=alt.Y("ci_low:Q", scale=y_scale), y2="ci_high:Q",
                                               tooltip=tooltip),
        *whiskers,
        published.mark_point(filled=True, size=90, color=BLUE, opacity=1, stroke="white", strokeWidth=1)
        .encode(x=x, y=y, tooltip=tooltip),
        published.mark_text(baseline="bottom", dy=-6, fontWeight="bold").encode(
            x=x, y=alt.Y("top:Q", scale=y_scale), text="point_text:N", tooltip=tooltip),
        base.transform_filter("!isValid(datum.share)").mark_text(
            baseline="middle", fontStyle="italic", color=MUTED, fontSize=11 if many else 12, lineBreak="\n")
        # Two lines under a narrow year: the first space becomes a line break ("not\npublished").
        .encode(x=x, y=alt.datum(50), text=alt.value(lang.gettext(NOT_PUBLISHED).replace(" ", "\n", 1)),
                tooltip=tooltip),
        data=alt.Data(values=[]),
    ).transform_calculate(**calculated).properties(height=300)
    return _spec(_themed(chart, plot_width=PLOT_WIDTH - 56), lang)  # room for the percent axis and its title


@design
def shares(label_field: str, label_title: str, x_title: str, lang: Language) -> dict:
    """Labelled bars of shares (sectors, relatedness), each row named in full above its bar.

    ``label_title`` and ``x_title`` come translated.
    """
    alt = _alt()
    chart = _labelled_bars(
        lang, label=f"datum.{label_field}", figure=_pct_or_hidden(lang, "datum.share"),
        x_title=x_title, tooltip=[alt.Tooltip(f"{label_field}:N", title=label_title),
                                  alt.Tooltip("row_figure:N", title=lang.gettext("Share"))])
    return _spec(_themed(chart), lang)


@design
def comparison(lang: Language) -> dict:
    """Rates side by side: a bar per group, its 95% interval as a whisker, the base written in the bar."""
    alt = _alt()
    tooltip = [alt.Tooltip("group:N", title=lang.gettext("Group")),
               alt.Tooltip("rate_text:N", title=lang.gettext("Rate")),
               alt.Tooltip("ci_text:N", title=interval_title(lang)),
               alt.Tooltip("base_text:N", title=lang.gettext("Graduates in base"))]

    def whisker(base, y, x_scale, x_axis):
        ci = base.transform_filter("isValid(datum.share) && isValid(datum.ci_low) && isValid(datum.ci_high)")
        return alt.layer(
            ci.mark_rule(color="black", strokeWidth=1.5, yOffset=BAR_OFFSET).encode(
                y=y, x=alt.X("ci_low:Q", scale=x_scale, axis=x_axis), x2="ci_high:Q", tooltip=tooltip),
            *[ci.mark_tick(color="black", thickness=1.5, size=14, yOffset=BAR_OFFSET).encode(
                y=y, x=alt.X(f"{end}:Q", scale=x_scale, axis=x_axis), tooltip=tooltip)
              for end in ("ci_low", "ci_high")])

    def base_text(base, y, x_scale, x_axis):
        # The base is written in the bar, from its start, or after the interval when the bar is too short
        # to hold it: beside the name it would leave a long field name no room on a phone.
        return (base.transform_filter("isValid(datum.share) && isValid(datum.base)")
                .transform_calculate(base_at="datum.share >= 40 ? 0 : max(datum.share, datum.ci_high || 0)",
                                     base_words=_plural(
                                         lambda n: lang.ngettext("{count} graduate", "{count} graduates", n),
                                         "datum.base", count="datum.base_text"))
                .mark_text(align="left", baseline="middle", dx=4, yOffset=BAR_OFFSET, fontSize=11, color=INK)
                .encode(y=y, x=alt.X("base_at:Q", scale=x_scale, axis=x_axis), text="base_words:N",
                        tooltip=tooltip))

    chart = _labelled_bars(
        # A hidden rate is said once, where its bar would be, not also at the right.
        lang, label="datum.group", figure="isValid(datum.share) ? datum.rate_text : ''",
        calculate={"rate_text": _pct_or_hidden(lang, "datum.share"), "ci_text": _interval(lang),
                   "base_text": "isValid(datum.base) ? format(datum.base, ',') : ''"},
        x_title=lang.gettext("Share of graduates"), tooltip=tooltip, extra_layers=[whisker, base_text],
        bar_colour=SKY_BLUE)
    return _spec(_themed(chart), lang)


@design
def earnings(prefix: str, suffix: str, lang: Language) -> dict:
    """Median earnings as a line across a bar from the lower to the upper quartile.

    ``prefix`` and ``suffix`` surround each amount (``model.currency_affixes``).
    """
    alt = _alt()
    money = (_js(prefix) + " + " if prefix else "") + "format({0}, ',.0f')" + (
        " + " + _js(suffix) if suffix else "")
    hidden_text = _js(lang.gettext(NOT_PUBLISHED))
    tooltip = [alt.Tooltip("group:N", title=lang.gettext("Group")),
               alt.Tooltip("q1_text:N", title=lang.gettext("Lower quartile")),
               alt.Tooltip("median_text:N", title=lang.gettext("Median")),
               alt.Tooltip("q3_text:N", title=lang.gettext("Upper quartile"))]

    def quartile_bar(base, y, x_scale, x_axis):
        return base.transform_filter("isValid(datum.q1) && isValid(datum.q3)").mark_bar(
            height=16, yOffset=BAR_OFFSET, color=SKY_BLUE, stroke=BLUE, strokeWidth=1).encode(
            y=y, x=alt.X("q1:Q", scale=x_scale, axis=x_axis), x2="q3:Q", tooltip=tooltip)

    def median_line(base, y, x_scale, x_axis):
        return base.transform_filter("isValid(datum.median)").mark_tick(
            color="black", thickness=3, size=26, yOffset=BAR_OFFSET).encode(
            y=y, x=alt.X("median:Q", scale=x_scale, axis=x_axis), tooltip=tooltip)

    # Translators: the median amount written at the right of a group's bar, e.g. "median €1,850".
    median = _written(lang.gettext("median {amount}"), amount="datum.median_text")
    chart = _labelled_bars(
        lang, label="datum.group", measure="median",
        figure=f"isValid(datum.median) ? {median} : {hidden_text}",
        calculate={f"{f}_text": f"isValid(datum.{f}) ? {money.format('datum.' + f)} : {hidden_text}"
                   for f in ("q1", "median", "q3")},
        x_title="", tooltip=tooltip, bar=quartile_bar, extra_layers=[median_line],
        x_scale=alt.Scale(zero=True, nice=True),
        x_axis=alt.Axis(title=lang.gettext("Gross monthly earnings, full-time employed"), grid=True, tickCount=4,
                        labelExpr=money.format("datum.value")))
    # SVG text does not wrap: the key is broken into lines of at most 40 characters here (12 px text).
    key = lang.gettext("The black line marks the median; the bar spans the middle half of earners, from the "
                       "lower to the upper quartile.")
    return _spec(_themed(chart, key=textwrap.wrap(key, 40)), lang)


@design
def timeline(lang: Language) -> dict:
    """One row per year, a coloured cell per status that year with the status written in it.

    The rows name statuses translated; colours and order follow ``model.STATUSES``.
    """
    alt = _alt()
    domain = [lang.gettext(status) for status in STATUSES]
    order = _js(domain)
    base = alt.Chart()
    y = alt.Y("year:O", title=None, sort="ascending",
              axis=alt.Axis(domain=False, ticks=False, labelPadding=8, labelFontSize=13))
    x_scale = alt.Scale(domain=[0, 1])
    tooltip = [alt.Tooltip("year:O", title=lang.gettext("Year")),
               alt.Tooltip("status:N", title=lang.gettext("Status"))]
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        y=y, x=alt.X("x0:Q", scale=x_scale, axis=None), x2="x1:Q",
        color=alt.Color("status:N", legend=None,
                        scale=alt.Scale(domain=domain, range=list(STATUS_COLOURS))),
        tooltip=tooltip)
    text = base.mark_text(baseline="middle", fontSize=13).encode(
        y=y, x="mid:Q", text="status:N", tooltip=tooltip,
        color=alt.condition(f"datum.status == {_js(domain[2])}", alt.value("white"), alt.value("black")))
    chart = (alt.layer(cells, text, data=alt.Data(values=[]))
             .transform_calculate(status_order=f"indexof({order}, datum.status)")
             .transform_window(part="row_number()", groupby=["year"], sort=[alt.SortField("status_order")])
             .transform_joinaggregate(parts="count()", groupby=["year"])
             .transform_calculate(x0="(datum.part - 1) / datum.parts", x1="datum.part / datum.parts",
                                  mid="(datum.part - 0.5) / datum.parts")
             .properties(height=alt.Step(30)))
    return _spec(_themed(chart, plot_width=PLOT_WIDTH - 44), lang)  # room for the years


@design
def benchmark(target: float, lang: Language) -> dict:
    """Bars of employment rates with a dashed rule at the EU target."""
    alt = _alt()
    # Translators: the label of the dashed line at the EU target, e.g. "EU target 2025: 82%".
    target_text = lang.gettext("EU target {year}: {target}").format(year=2025, target=target_percent(target, lang))
    tooltip = [alt.Tooltip("label:N", title=lang.gettext("Figure")),
               alt.Tooltip("row_figure:N", title=lang.gettext("Value")),
               alt.Tooltip("source:N", title=lang.gettext("Source"))]

    def rule(base, y, x_scale, x_axis):
        # One row from the page's own data, so that the spec keeps a single inline dataset.
        marker = base.transform_aggregate(rows="count()")
        return alt.layer(
            marker.mark_rule(color=VERMILLION, strokeDash=[6, 4], strokeWidth=2).encode(
                x=alt.X(datum=target, scale=x_scale, axis=x_axis)),
            marker.mark_text(align="right", baseline="bottom", dx=-4, dy=-6, fontWeight="bold",
                             color="#111111").encode(x=alt.X(datum=target, scale=x_scale, axis=x_axis),
                                                     y=alt.value(0), text=alt.value(target_text)))

    chart = _labelled_bars(
        lang, label="datum.label", measure="value", figure=_pct_or_hidden(lang, "datum.value"),
        x_title=lang.gettext("Employment rate of recent VET graduates"), tooltip=tooltip, extra_layers=[rule],
        figure_at_right=False)
    return _spec(_themed(chart), lang)
