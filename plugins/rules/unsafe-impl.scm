; id: unsafe-impl
; severity: high
; message: unsafe impl (Send, Sync or another unsafe trait)
; question: Does the type really meet the trait's contract (for Send/Sync: can it be moved or shared across threads), and does a SAFETY comment say why?
(impl_item "unsafe") @finding
