// Exists only so the precompiled-header target has a translation unit to build.
