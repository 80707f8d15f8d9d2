# Plot sources (owned by the plots work); appended to SHAREDMAP_UI_SOURCES.
list(APPEND SHAREDMAP_UI_SOURCES
    plots/liveplot.cpp plots/liveplot.h
    plots/resultsplot.cpp plots/resultsplot.h
    plots/throughputplot.cpp plots/throughputplot.h
    plots/memoryplot.cpp plots/memoryplot.h
    plots/compareplot.cpp plots/compareplot.h
    plots/chunklane.cpp plots/chunklane.h
    plots/timelineplot.cpp plots/timelineplot.h
    plots/heatmapview.cpp plots/heatmapview.h
    plots/raceplot.cpp plots/raceplot.h
    plots/countsplot.cpp plots/countsplot.h
    plots/convergenceplot.cpp plots/convergenceplot.h
    plots/outputimageview.cpp plots/outputimageview.h
)
