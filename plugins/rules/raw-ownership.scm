; id: raw-ownership
; severity: high
; message: ownership moved through raw pointers (transmute, from_raw, into_raw, ManuallyDrop, mem::forget)
; question: Who owns the object after this line, and is it freed exactly once?
((call_expression function: (_) @f) @finding
 (#match? @f "(transmute|from_raw|into_raw|forget)$"))
((scoped_identifier) @finding
 (#match? @finding "^(core::|std::)?mem::ManuallyDrop$|^ManuallyDrop::new$"))
