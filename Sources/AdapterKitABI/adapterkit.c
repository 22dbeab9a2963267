/* The ABI is the header alone (include/adapterkit.h); SwiftPM needs one source file per C target. */
