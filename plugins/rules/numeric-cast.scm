; id: numeric-cast
; severity: low
; message: `as` cast to an integer type or to `_` (clippy cast_lossless, as_underscore): it truncates or changes sign silently
; question: Can the value be out of range for the target type? Would `From`/`into()` (lossless) or `TryFrom`/`try_into()?` (checked) say so explicitly, and is the target type named rather than `_`?
((type_cast_expression type: (primitive_type) @t) @finding
 (#match? @t "^[iu](8|16|32|64|128|size)$"))
((type_cast_expression type: (_) @t) @finding
 (#eq? @t "_"))
