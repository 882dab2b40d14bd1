; id: opaque
; severity: low
; message: Opaque<T> wraps a C type
; question: Is the wrapped C object initialised (pin-init) and pinned before C or Rust uses it? (Accesses to it outside a lock are asked about where they happen: opaque-unlocked.)
((generic_type type: (type_identifier) @t) @finding
 (#eq? @t "Opaque"))
