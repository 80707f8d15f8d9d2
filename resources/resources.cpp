// sharedmap_resources holds only Qt resources (icons, translations), compiled in by
// qt_add_resources and qt_add_translations; a static library needs one source file of its own.
