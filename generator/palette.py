"""The site's colours for categories: one palette for the charts, the map and the timelines.

Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
colour-vision deficiency. Text drawn on a fill uses black, except on BLUE,
where white reaches 5.2:1 (black only 4.0:1).
"""

ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Text on white: #222 is 15.9:1 and MUTED (#595959) 7.0:1, both above the 4.5:1 of WCAG 1.4.3.
INK, MUTED = "#222222", "#595959"
#: Light greys for "nothing there": a country with no system found, and one not assessed.
GREY, PALE_GREY = "#D0D4D9", "#F2F3F5"
