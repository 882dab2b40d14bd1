; id: pointer-cast
; severity: medium
; message: cast to a raw pointer type
; question: Is the pointer properly aligned and valid for the target type? Would .cast(), .cast_mut()/.cast_const() or ptr::from_ref()/from_mut() do (clippy ptr_as_ptr, ptr_cast_constness, as_ptr_cast_mut, ref_as_ptr)?
(type_cast_expression type: (pointer_type)) @finding
