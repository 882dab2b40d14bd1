; id: opaque-unlocked
; severity: medium
; message: C data behind a field's `.get()` (an `Opaque<T>`/`UnsafeCell`) read or written with no lock taken in the enclosing function
; question: C code may change this data concurrently: which lock (or other guarantee, such as the object not being shared yet) synchronises this access, and does the SAFETY comment say so?
; Dereferences of `self.x.get()` or `x.get()` (`*`, `(*…).field`) and `ptr::read`/`write`
; (volatile, unaligned) of it. The lock check (no `lock…()`, `…_lock…()`,
; `Guard` or `guard` in the enclosing fn, closure or impl of a guard) is done
; by seam after the query (core/analysis/rust_rules.cpp).
((unary_expression
   (call_expression
     function: (field_expression value: [(field_expression) (identifier)] field: (field_identifier) @m)
     arguments: (arguments) @a)) @finding
 (#eq? @m "get")
 (#match? @a "^\\(\\s*\\)$"))
((call_expression
   function: (_) @fn
   arguments: (arguments
     (call_expression
       function: (field_expression value: [(field_expression) (identifier)] field: (field_identifier) @m)
       arguments: (arguments) @a))) @finding
 (#match? @fn "(^|::)(read|write)(_volatile|_unaligned)?$")
 (#eq? @m "get")
 (#match? @a "^\\(\\s*\\)$"))
