; id: raw-deref
; severity: high
; message: dereference inside an unsafe block (a raw pointer, when that is why the block is unsafe)
; question: Is the pointer non-null, aligned, valid for the whole access, and is nothing else mutating the object meanwhile?
(unary_expression "*") @finding
