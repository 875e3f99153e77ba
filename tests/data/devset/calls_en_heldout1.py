# English calls, FIRST held-out set (issue 18): written together with calls_*_v2.py, before
# any rule was tuned, and measured once as the held-out set (rules at commit 5aa58f8; the
# figures are in docs/QUALITY.md). The rules were then tuned on them like the other dev
# calls; calls_*_heldout2.py is the held-out set now. Labels as in make_devset.py.
CALLS = [
("en_held_01_deductible_during_hold", "punct", "1 1 1 0 1 2 1 0", [
 "o|Good morning, SafeHome Insurance, Olivia speaking.",
 "c|Hi. Does my policy cover water damage?",
 "o|Give me a moment to pull it up.",
 "c|Oh, and is there a deductible?",
 "o|Yes, the deductible is [[KEEP:$500]] per claim.",
 "c|Got it.",
 "o|Thanks for calling SafeHome, take care.",
]),
("en_held_02_open_at_goodbye", "asr", "1 1 1 0 1 2 1 0", [
 "o|hello city water maria speaking",
 "c|hi i was hoping you could tell me when the hydrant on oak street will be fixed",
 "o|a crew is scheduled for thursday morning",
 "c|great and do i need to be home for that",
 "o|thanks for calling goodbye",
]),
("en_held_03_calling_to_find_out", "punct", "1 1 1 1 1 2 2 0", [
 "o|Hello, Northern Bank, Grace speaking.",
 "c|Hi, I'm calling to find out whether my mortgage payment went through.",
 "o|It did; [[KEEP:$1,450]] was received on [[KEEP:November 2]].",
 "c|Thanks. I'd also like to confirm my new address is on file.",
 "o|Yes, [[KEEP:42]] Birch Road is on file.",
 "c|Perfect.",
 "o|Thank you for banking with us. Please take our short survey. Goodbye.",
]),
("en_held_04_messy_technician", "asr", "1 1 0 0 0 0 0 0 | service,supervisor", [
 "o|good afternoon brightnet sam speaking",
 "c|hi your technician left a mess in my living room and didn't even finish the job i'm really fed up",
 "o|i apologize for that",
 "c|put me through to someone in charge please",
 "o|i'll transfer you to my team lead now",
]),
("en_held_05_no_complaints", "punct", "1 1 1 0 1 1 1 0", [
 "o|Hello, QuickShip, Anna speaking.",
 "c|Hi. No complaints at all, the delivery was fine. Quick question: can I change my delivery address for the next order?",
 "o|Yes, you can change it in your account under Addresses.",
 "c|Thanks!",
 "o|Thank you for calling, bye.",
]),
("en_held_06_small_claims", "asr", "1 1 1 0 1 0 0 0 | repeat,formal", [
 "o|good morning city power laura speaking",
 "c|morning this is the fourth time i've called about the same billing error",
 "c|if this isn't sorted out i'm taking you to small claims court",
 "o|i've corrected the bill and you will receive a refund of [[KEEP:60 dollars]] within [[KEEP:5 days]]",
 "c|okay",
 "o|thanks for your patience goodbye",
]),
("en_held_07_card_balance", "punct", "1 1 1 0 1 1 1 0", [
 "o|Good afternoon, Northern Bank, Grace speaking.",
 "c|Hi, I'd like to check the balance on card [[CARD:3782 822463 10005]].",
 "o|For security, please confirm your phone number.",
 "c|Sure, it's [[PHONE:+1 212 555 0198]].",
 "o|Thanks. Your balance is [[KEEP:$2,340.15]].",
 "c|Thanks.",
 "o|Thank you for calling, goodbye.",
]),
("en_held_08_invoice_email", "asr", "1 1 1 0 1 1 1 0", [
 "o|hello quickship tom speaking",
 "c|hi please send the invoice to [[EMAIL:accounts@smithbakery.co.uk]] and my mobile is [[PHONE:0 7 7 0 0 9 0 0 4 5 6]]",
 "o|sure i'll email the invoice today",
 "c|how much is it",
 "o|it comes to [[KEEP:230 pounds]]",
 "c|thanks",
 "o|thank you bye",
]),
("en_held_09_going_elsewhere", "punct", "1 1 1 0 0 1 1 0 | churn", [
 "o|Hello, BrightNet, Sam speaking.",
 "c|Hi. Why did my bill go up by [[KEEP:$20]]? And can you undo it?",
 "o|The promotional discount ended; I can't undo it, sorry.",
 "c|Then I'm cancelling and going with another company.",
 "o|I understand. Thank you for calling.",
]),
("en_held_10_hold_then_goodbye", "asr", "1 1 1 0 1 1 0 0", [
 "o|hi city water maria here",
 "c|hi what's the number for emergency repairs",
 "o|hold on a moment",
 "o|thank you for holding have a great day",
]),
]
