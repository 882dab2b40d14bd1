; id: repr-c
; severity: medium
; message: #[repr(C)] or #[repr(transparent)] type: its layout is shared with C
; question: Does the layout match the C struct field for field, and do the casts that rely on it hold?
((attribute_item (attribute (identifier) @name arguments: (token_tree) @args)) @finding
 (#eq? @name "repr")
 (#match? @args "\\b(C|transparent)\\b"))
