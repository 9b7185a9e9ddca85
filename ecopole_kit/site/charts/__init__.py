"""SVG charts of the diagnostic and the roadmap, written as plain SVG text (no plotting
library: a chart costs about a millisecond to draw).

``drawing`` writes the document (escaped text, axes, ticks, legend, accessible title and
description), ``diagnostic`` the land and basket charts, ``gantt`` the roadmap's chart.
"""

from ecopole_kit.site.charts.diagnostic import (
    basket_chart_svg,
    land_chart_svg,
    land_range_chart_svg,
)
from ecopole_kit.site.charts.drawing import PALETTE, Chart
from ecopole_kit.site.charts.gantt import STAGE_COLOURS, RoadmapBar, roadmap_chart_svg

__all__ = ["PALETTE", "STAGE_COLOURS", "Chart", "RoadmapBar", "basket_chart_svg",
           "land_chart_svg", "land_range_chart_svg", "roadmap_chart_svg"]
