; id: numeric-into
; severity: low
; message: `.into()` to an integer type from a value whose type the line does not show: the conversion's width is implicit
; question: What type is converted from: is it certain to be narrower (or equal) and of the same sign, and would `T::from(x)` (lossless, clippy cast_lossless) or `T::try_from(x)?` (checked) say so where it happens?
; `let x: u32 = y.into();` (y not a suffixed literal); `u32::from(y)`,
; `try_into()` and `.into()` to non-integer types are left alone.
((let_declaration
   type: (primitive_type) @t
   value: (call_expression
     function: (field_expression value: (_) @v field: (field_identifier) @m)
     arguments: (arguments) @a)) @finding
 (#match? @t "^[iu](8|16|32|64|128|size)$")
 (#eq? @m "into")
 (#not-match? @v "^[0-9]")
 (#match? @a "^\\(\\s*\\)$"))
