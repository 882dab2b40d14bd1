; id: lock-guard
; severity: medium
; message: new lock guard type
; question: Is the guard !Send, so that the lock is released on the thread that took it, and does every reference it hands out end before the guard drops?
((struct_item name: (type_identifier) @n) @finding
 (#match? @n "Guard$"))
