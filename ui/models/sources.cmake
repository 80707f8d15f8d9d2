# Model sources; appended to SHAREDMAP_UI_SOURCES.
list(APPEND SHAREDMAP_UI_SOURCES
    models/arraylistmodel.cpp models/arraylistmodel.h
    models/arraytablemodel.cpp models/arraytablemodel.h
    models/resultsmodel.cpp models/resultsmodel.h
    models/valueformat.cpp models/valueformat.h
    models/workermodel.cpp models/workermodel.h
)
