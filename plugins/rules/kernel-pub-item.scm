; id: kernel-pub-item
; severity: low
; message: new pub item in the kernel crate: the abstraction surface drivers build on
; question: Is this safe API sound for every caller, and is it documented with an example?
; paths: rust/kernel/
; Only plain `pub`: `pub(crate)` and the like are not the surface drivers see.
([(function_item (visibility_modifier) @vis)
  (struct_item (visibility_modifier) @vis)
  (enum_item (visibility_modifier) @vis)
  (union_item (visibility_modifier) @vis)
  (trait_item (visibility_modifier) @vis)
  (type_item (visibility_modifier) @vis)
  (const_item (visibility_modifier) @vis)
  (static_item (visibility_modifier) @vis)
  (mod_item (visibility_modifier) @vis)
  (use_declaration (visibility_modifier) @vis)] @finding
 (#eq? @vis "pub"))
