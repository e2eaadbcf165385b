// The embedded gateway lives here (being written).
