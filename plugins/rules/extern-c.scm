; id: extern-c
; severity: high
; message: extern "C" block or function at the Rust/C boundary
; question: Do the Rust signatures match the C declarations exactly (types, nullability, ownership)?
(foreign_mod_item) @finding
(function_item (function_modifiers (extern_modifier))) @finding
