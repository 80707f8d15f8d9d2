# Plot sources (owned by the plots work); appended to SHAREDMAP_UI_SOURCES.
list(APPEND SHAREDMAP_UI_SOURCES)
