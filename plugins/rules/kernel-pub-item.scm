; id: kernel-pub-item
; severity: low
; message: new pub item in the kernel crate: the abstraction surface drivers build on
; question: Is this safe API sound for every caller, and is it documented with an example?
; paths: rust/kernel/
(function_item (visibility_modifier)) @finding
(struct_item (visibility_modifier)) @finding
(enum_item (visibility_modifier)) @finding
(trait_item (visibility_modifier)) @finding
