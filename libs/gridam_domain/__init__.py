"""Shared domain helpers: what GriDam's data is (the nine emotions, diary days, text policy,
pages, images, stored objects, signed image URLs, fonts, the read model's shape), used by more
than one service. The service runtime is `gridam_runtime`; development tools are `gridam_devtools`."""
