; id: opaque
; severity: medium
; message: Opaque<T> wraps a C type
; question: Is every access to the wrapped C object synchronized and done while it is initialized?
((generic_type type: (type_identifier) @t) @finding
 (#eq? @t "Opaque"))
