"""Build the clinc-faq evaluation pack from CLINC150 (clinc/oos-eval, data/data_full.json).

    python build.py /path/to/data_full.json [/path/to/domains.json]

Deterministic: everything random comes from random.Random(SEED). Writes corpus/, questions.jsonl and
unanswerable.jsonl next to this file, then runs the checks and prints the counts. The entry questions and
answers below were written by hand for this pack; only the user questions come from the data set.
"""

import json
import random
import re
import sys
from pathlib import Path

SEED = 20190
HERE = Path(__file__).resolve().parent
N_HELD_OUT = 10
PER_INTENT = 2
N_OOS = 40
MAX_ANSWER_WORDS = 45

# domain -> (page file, page title). Order = CLINC's domains.json order for these six.
DOMAINS = {
    "banking": ("banking.md", "Banking"),
    "credit_cards": ("credit-cards.md", "Credit Cards"),
    "travel": ("travel.md", "Travel"),
    "auto_and_commute": ("auto-and-commute.md", "Auto and Commute"),
    "home": ("home.md", "Home"),
    "work": ("work.md", "Work"),
}

# Intent lists of the six domains (copied from the repo's data/domains.json so the script also runs without it).
DOMAIN_INTENTS = {
    "banking": [
        "freeze_account",
        "routing",
        "pin_change",
        "bill_due",
        "pay_bill",
        "account_blocked",
        "interest_rate",
        "min_payment",
        "bill_balance",
        "transfer",
        "order_checks",
        "balance",
        "spending_history",
        "transactions",
        "report_fraud",
    ],
    "credit_cards": [
        "replacement_card_duration",
        "expiration_date",
        "damaged_card",
        "improve_credit_score",
        "report_lost_card",
        "card_declined",
        "credit_limit_change",
        "apr",
        "redeem_rewards",
        "credit_limit",
        "rewards_balance",
        "application_status",
        "credit_score",
        "new_card",
        "international_fees",
    ],
    "travel": [
        "plug_type",
        "travel_notification",
        "translate",
        "flight_status",
        "international_visa",
        "timezone",
        "exchange_rate",
        "travel_suggestion",
        "travel_alert",
        "vaccines",
        "lost_luggage",
        "book_flight",
        "book_hotel",
        "carry_on",
        "car_rental",
    ],
    "auto_and_commute": [
        "current_location",
        "oil_change_when",
        "oil_change_how",
        "uber",
        "traffic",
        "tire_pressure",
        "schedule_maintenance",
        "gas",
        "mpg",
        "distance",
        "directions",
        "last_maintenance",
        "gas_type",
        "tire_change",
        "jump_start",
    ],
    "home": [
        "what_song",
        "play_music",
        "todo_list_update",
        "reminder",
        "reminder_update",
        "calendar_update",
        "order_status",
        "update_playlist",
        "shopping_list",
        "calendar",
        "next_song",
        "order",
        "todo_list",
        "shopping_list_update",
        "smart_home",
    ],
    "work": [
        "pto_request_status",
        "next_holiday",
        "insurance_change",
        "insurance",
        "meeting_schedule",
        "payday",
        "taxes",
        "income",
        "rollover_401k",
        "pto_balance",
        "pto_request",
        "w2",
        "schedule_meeting",
        "direct_deposit",
        "pto_used",
    ],
}

# intent -> (entry question, answer). Written for this pack.
ENTRIES = {
    # banking
    "freeze_account": (
        "How do I freeze my account?",
        "You can freeze your account in the app under Settings > Security, or by calling the number on the back of "
        "your card. A frozen account blocks new payments until you unfreeze it.",
    ),
    "routing": (
        "Where can I find my routing number?",
        "Your routing number is printed at the bottom left of your checks and shown in the app under Account "
        "details. It identifies the bank, while your account number identifies your own account.",
    ),
    "pin_change": (
        "How do I change my PIN?",
        "You can set a new PIN at any of our ATMs or in the app under Card settings > Change PIN. Choose four digits "
        "that are not easy to guess, such as your birth year.",
    ),
    "bill_due": (
        "When is my bill due?",
        "The due date is shown on each statement and on the bill's page in the app. Pay before that date to avoid a "
        "late fee; you can also turn on reminders a few days ahead.",
    ),
    "pay_bill": (
        "How do I pay a bill?",
        "Open Bill Pay in the app or online banking, pick the payee, enter the amount and the date, and confirm. "
        "Payments sent before 5 pm on a business day usually arrive the next day.",
    ),
    "account_blocked": (
        "Why is my account blocked?",
        "We may place a hold on an account after unusual activity, a returned payment or missing identity details. "
        "Call customer service so we can verify who you are and lift the hold.",
    ),
    "interest_rate": (
        "What is my interest rate?",
        "The current rate for each account is listed in the app under Account details and on your monthly "
        "statement. Savings rates are variable and can change; loan rates are set in your agreement.",
    ),
    "min_payment": (
        "What is my minimum payment?",
        "The minimum payment due appears on your statement and on the account's page in the app. Paying at least "
        "this amount by the due date keeps the account in good standing.",
    ),
    "bill_balance": (
        "How much do I owe on my bill?",
        "Your current bill amount is shown on the payee's page in Bill Pay and on the latest statement. Amounts from "
        "utility companies update when they send us a new bill.",
    ),
    "transfer": (
        "How do I transfer money between my accounts?",
        "Choose Transfer in the app, select the account to move money from and the one to move it to, enter the "
        "amount and confirm. Transfers between your own accounts are free and immediate.",
    ),
    "order_checks": (
        "How do I order more checks?",
        "You can order a new checkbook in the app under Account services > Order checks, or at any branch. Checks "
        "arrive by mail within seven to ten business days.",
    ),
    "balance": (
        "How do I check my account balance?",
        "Your available and current balances are shown on the home screen of the app and in online banking. You can "
        "also see them at any ATM or by calling our automated phone line.",
    ),
    "spending_history": (
        "How can I see how much I have spent?",
        "The Insights tab in the app groups your purchases by category and by week or month. Pick a category such as "
        "dining or groceries to see the total for the period you choose.",
    ),
    "transactions": (
        "How do I see my recent transactions?",
        "Open the account in the app to see a list of recent transactions, newest first. Pending card purchases are "
        "shown at the top until they post, usually within two business days.",
    ),
    "report_fraud": (
        "How do I report a fraudulent charge?",
        "If you do not recognise a charge, lock your card in the app and call our fraud line right away. We will "
        "investigate, send you a new card and credit any confirmed fraud.",
    ),
    # credit_cards
    "replacement_card_duration": (
        "How long does it take to get a replacement card?",
        "A replacement card is mailed within five to seven business days of your request. Expedited delivery in "
        "two business days is available for a small fee.",
    ),
    "expiration_date": (
        "When does my card expire?",
        "The expiry date is printed on the front or back of your card as month and year. We mail a new card "
        "automatically a few weeks before it runs out.",
    ),
    "damaged_card": (
        "What do I do if my card is damaged?",
        "If your card is cracked, bent or the chip stops working, request a replacement in the app under Card "
        "services. Your card number stays the same, so saved payments keep working.",
    ),
    "improve_credit_score": (
        "How can I improve my credit score?",
        "Pay every bill on time, keep your card balances well below their limits and avoid opening many new accounts "
        "at once. Checking your credit report for errors also helps.",
    ),
    "report_lost_card": (
        "How do I report a lost card?",
        "Report a lost or stolen card straight away in the app under Card services or by phone, day or night. We "
        "cancel the old card and send you a new one.",
    ),
    "card_declined": (
        "Why was my card declined?",
        "A card can be declined for an expired card, a wrong PIN, reaching your credit limit or a fraud check. The "
        "app shows the reason under the declined transaction.",
    ),
    "credit_limit_change": (
        "How do I ask for a higher credit limit?",
        "You can request a credit limit increase in the app under Card services. We review your income and payment "
        "history and usually answer within a few minutes.",
    ),
    "apr": (
        "What is the APR on my credit card?",
        "Your card's annual percentage rate for purchases, cash advances and balance transfers is listed in your "
        "cardholder agreement and on every statement.",
    ),
    "redeem_rewards": (
        "How do I redeem my credit card points?",
        "Go to Rewards in the app and choose how to use your points: statement credit, gift cards or travel. Most "
        "redemptions start at 2,500 points.",
    ),
    "credit_limit": (
        "What is my credit limit?",
        "Your total credit limit and the amount still available are shown on the card's page in the app and on each "
        "monthly statement.",
    ),
    "rewards_balance": (
        "How many rewards points do I have?",
        "Your points total is shown on the Rewards tab in the app and at the top of each statement. New points are "
        "added once a purchase posts.",
    ),
    "application_status": (
        "What is the status of my credit card application?",
        "Most applications get a decision within a few minutes. If yours needs review, you can check its status "
        "online with your application ID; we will also write to you within ten days.",
    ),
    "credit_score": (
        "How do I check my credit score?",
        "Cardholders can see their credit score for free in the app under Credit Journey. It updates once a month "
        "and checking it does not affect the score.",
    ),
    "new_card": (
        "How do I apply for a new credit card?",
        "You can apply online or in the app in about ten minutes. Have your income, address and Social Security "
        "number ready; most people get an answer right away.",
    ),
    "international_fees": (
        "Are there foreign transaction fees on my card?",
        "Some cards charge a fee of about 3% on purchases made abroad or in a foreign currency. Your cardholder "
        "agreement lists the fee; travel cards often have none.",
    ),
    # travel
    "plug_type": (
        "What plug adapter do I need for my trip?",
        "Countries use different outlets and voltages. Check the plug type for your destination in our country "
        "guide, and bring an adapter, plus a converter if your device does not accept the local voltage.",
    ),
    "travel_notification": (
        "How do I tell the bank that I am travelling?",
        "Add a travel notice in the app under Card settings with the places and dates of your trip. This helps "
        "prevent your card from being blocked while you are away.",
    ),
    "translate": (
        "How do I say something in another language?",
        "Ask the assistant to translate a word or sentence and name the target language. It supports over 50 "
        "languages and can read the translation aloud.",
    ),
    "flight_status": (
        "What is the status of my flight?",
        "Enter your flight number or booking reference under Trips to see departure and arrival times, delays and "
        "gate changes. Status updates are refreshed every few minutes.",
    ),
    "international_visa": (
        "Do I need a visa to travel abroad?",
        "Visa rules depend on your citizenship, your destination and the length of your stay. Check the destination "
        "country's embassy website well before you book.",
    ),
    "timezone": (
        "What time zone is a place in?",
        "Ask the assistant for any city or country and it will give the time zone and the current local time, "
        "including daylight saving changes.",
    ),
    "exchange_rate": (
        "What is the exchange rate?",
        "The assistant shows the current mid-market rate between two currencies. The rate you get at a bank or "
        "exchange desk includes a margin, so it will be slightly lower.",
    ),
    "travel_suggestion": (
        "What are some things to do on my trip?",
        "Tell the assistant where you are going and it will suggest popular sights, museums, restaurants and day "
        "trips, with opening hours and reviews.",
    ),
    "travel_alert": (
        "Are there any travel alerts for my destination?",
        "Government travel advisories list safety, health and security warnings for each country. Check the latest "
        "advisory for your destination before you leave and again during your trip.",
    ),
    "vaccines": (
        "What vaccinations do I need before travelling?",
        "Required and recommended vaccines depend on where you are going. See a doctor or travel clinic four to six "
        "weeks before departure to get them in time.",
    ),
    "lost_luggage": (
        "What do I do if my luggage is lost?",
        "Report missing bags at the airline's baggage desk before leaving the airport and keep your file reference. "
        "You can then track the search online with that reference.",
    ),
    "book_flight": (
        "How do I book a flight?",
        "Search for flights under Trips with your departure city, destination and dates, compare fares, then choose "
        "a flight and pay. Your e-ticket is emailed right away.",
    ),
    "book_hotel": (
        "How do I book a hotel?",
        "Search under Trips > Hotels with your destination and dates, filter by price or rating, and reserve a room. "
        "Many rates can be cancelled free until the day before.",
    ),
    "carry_on": (
        "How many carry-on bags can I take?",
        "Most airlines allow one carry-on bag and one small personal item, but size and weight limits vary by "
        "airline and fare. Check your airline's baggage page before you fly.",
    ),
    "car_rental": (
        "How do I rent a car?",
        "Search under Trips > Cars with your pick-up place and dates, compare vehicles and book. Bring your "
        "driver's licence and a credit card in the driver's name.",
    ),
    # auto_and_commute
    "current_location": (
        "How do I find my current location?",
        "Turn on location services and ask the assistant where you are. It shows your position on the map with the "
        "nearest address.",
    ),
    "oil_change_when": (
        "When should I change my oil?",
        "Most cars need an oil change every 5,000 to 7,500 miles or every six months. Your owner's manual gives the "
        "exact interval for your engine.",
    ),
    "oil_change_how": (
        "How do I change my car's oil?",
        "Drain the old oil through the drain plug into a pan, replace the oil filter, put the plug back and refill "
        "with the grade of oil your manual recommends. Dispose of used oil at a recycling centre.",
    ),
    "uber": (
        "How do I book an Uber?",
        "Link your Uber account in the assistant's settings, then ask for a ride with your destination and number of "
        "passengers. You will see the price and arrival time before confirming.",
    ),
    "traffic": (
        "How is the traffic on my route?",
        "Ask the assistant about traffic to a place and it checks live road conditions, accidents and roadworks, "
        "then gives the expected travel time.",
    ),
    "tire_pressure": (
        "How do I check my tire pressure?",
        "If your car is connected, the assistant reads the pressure of each tire. Otherwise use a gauge when the "
        "tires are cold and compare with the label inside the driver's door.",
    ),
    "schedule_maintenance": (
        "How do I schedule maintenance for my car?",
        "Book a service appointment under Vehicle > Maintenance by choosing a garage, a date and the work needed. "
        "You will get a reminder the day before.",
    ),
    "gas": (
        "How much gas is in my tank?",
        "For a connected car, the assistant shows the fuel level and the estimated range left. You can also set an "
        "alert for when the tank drops below a quarter.",
    ),
    "mpg": (
        "What gas mileage does my car get?",
        "Fuel economy depends on the model and how you drive. The assistant shows the average miles per gallon "
        "recorded by your connected car over recent trips.",
    ),
    "distance": (
        "How far is it to my destination?",
        "Ask the assistant for the distance to a place and it gives the driving distance and the expected travel "
        "time with current traffic.",
    ),
    "directions": (
        "How do I get directions?",
        "Ask the assistant for directions to an address or place name. It opens turn-by-turn navigation in your "
        "default maps app.",
    ),
    "last_maintenance": (
        "When was my car last serviced?",
        "Your service history is listed under Vehicle > Maintenance with the date, mileage and work done at each "
        "visit.",
    ),
    "gas_type": (
        "What type of gas does my car use?",
        "Check your owner's manual or the label inside the fuel door for the recommended octane. Most cars run on "
        "regular unleaded; some engines need premium.",
    ),
    "tire_change": (
        "When do I need new tires?",
        "Replace tires when the tread is below 2/32 of an inch or when they are about six years old. Rotate them "
        "every 5,000 miles so they wear evenly.",
    ),
    "jump_start": (
        "How do I jump start my car?",
        "Connect red to the dead battery's positive terminal and to the good battery, then black to the good "
        "battery and to bare metal on your car. Start the working car, then yours.",
    ),
    # home
    "what_song": (
        "What song is playing?",
        "Ask the assistant to identify the music and it listens for a few seconds, then tells you the title and "
        "artist and adds it to your history.",
    ),
    "play_music": (
        "How do I play music?",
        "Ask the assistant to play an artist, album, genre or playlist. Link a music service in settings to choose "
        "where it plays from.",
    ),
    "todo_list_update": (
        "How do I add something to my to-do list?",
        "Tell the assistant the task you want to add and it puts it on your to-do list. You can also remove or mark "
        "tasks done the same way.",
    ),
    "reminder": (
        "How do I see my reminders?",
        "Ask the assistant to list your reminders and it reads the upcoming ones with their times. All reminders "
        "are also shown in the Reminders tab of the app.",
    ),
    "reminder_update": (
        "How do I set a reminder?",
        "Tell the assistant what to remind you about and when, and it creates the reminder. You can change or delete "
        "it later in the Reminders tab.",
    ),
    "calendar_update": (
        "How do I add an event to my calendar?",
        "Tell the assistant the event name, date and time and it adds it to your linked calendar. You can also move "
        "or cancel events by voice.",
    ),
    "order_status": (
        "Where is my order?",
        "Open Orders in the app to see each package's status and expected delivery date, with a tracking link once "
        "it has shipped.",
    ),
    "update_playlist": (
        "How do I add a song to a playlist?",
        "While a song is playing, ask the assistant to add it to one of your playlists by name. A new playlist is "
        "created if the name does not exist.",
    ),
    "shopping_list": (
        "What is on my shopping list?",
        "Ask the assistant to read your shopping list, or open Lists in the app. The list is shared with everyone "
        "in your household.",
    ),
    "calendar": (
        "What is on my calendar?",
        "Ask the assistant about a day or week and it reads the events from your linked calendar in order of time.",
    ),
    "next_song": (
        "How do I skip to the next song?",
        "Say next or skip while music is playing and the assistant moves on to the following track in the queue.",
    ),
    "order": (
        "How do I order something?",
        "Ask the assistant to order an item and it finds it in your linked store, tells you the price and asks you "
        "to confirm before buying.",
    ),
    "todo_list": (
        "What is on my to-do list?",
        "Ask the assistant to read your to-do list and it lists the open tasks, starting with those due soonest.",
    ),
    "shopping_list_update": (
        "How do I add or remove items on my shopping list?",
        "Tell the assistant which item to add or take off your shopping list and it updates the list right away "
        "for everyone in the household.",
    ),
    "smart_home": (
        "How do I control my smart home devices?",
        "Connect your lights, thermostat and plugs in the Devices tab, then ask the assistant to switch them on or "
        "off or change their settings.",
    ),
    # work
    "pto_request_status": (
        "Has my time off request been approved?",
        "Open Time Off in the HR portal to see each request and whether it is pending, approved or declined. You "
        "also get an email when your manager decides.",
    ),
    "next_holiday": (
        "When is the next company holiday?",
        "The company holiday calendar for the year is posted in the HR portal under Time Off. Offices in other "
        "countries may follow a different list.",
    ),
    "insurance_change": (
        "How do I change my insurance plan?",
        "You can switch health plans during open enrollment each autumn, or within 30 days of a life event such as "
        "marriage or a birth. Make the change in the Benefits section of the HR portal.",
    ),
    "insurance": (
        "What does my health insurance cover?",
        "Your plan summary in the Benefits section of the HR portal lists what is covered, your deductible and your "
        "co-pays for doctor visits and prescriptions.",
    ),
    "meeting_schedule": (
        "When is my next meeting?",
        "Ask the assistant about your meetings and it reads the time, place and attendees of the upcoming ones "
        "from your work calendar.",
    ),
    "payday": (
        "When is payday?",
        "Employees are paid every other Friday. If payday falls on a bank holiday, pay arrives on the last business "
        "day before it.",
    ),
    "taxes": (
        "How much tax do I pay?",
        "Federal, state and local tax withheld from each paycheck is shown on your pay stub in the HR portal. Update "
        "your W-4 there to change your withholding.",
    ),
    "income": (
        "How much do I earn?",
        "Your gross and net pay for each pay period and year to date are shown on your pay stubs in the HR portal.",
    ),
    "rollover_401k": (
        "How do I roll over my 401(k)?",
        "Contact your old plan's administrator and ask for a direct rollover to your new employer's plan or an IRA. "
        "A direct rollover avoids taxes and penalties.",
    ),
    "pto_balance": (
        "How much paid time off do I have left?",
        "Your remaining vacation and sick days are shown in the HR portal under Time Off. Balances update after "
        "each pay period.",
    ),
    "pto_request": (
        "How do I request time off?",
        "Submit a request in the HR portal under Time Off with the dates and type of leave. Your manager is notified "
        "and usually responds within two working days.",
    ),
    "w2": (
        "Where can I find my W-2?",
        "W-2 forms are posted in the HR portal under Pay > Tax documents by January 31 each year. You can download "
        "or print them there.",
    ),
    "schedule_meeting": (
        "How do I schedule a meeting?",
        "Create an event in your work calendar, invite attendees and pick a free meeting room from the room list. "
        "The assistant can also find a time when everyone is free.",
    ),
    "direct_deposit": (
        "How do I set up direct deposit?",
        "Enter your bank's routing number and your account number in the HR portal under Pay > Direct deposit. "
        "Changes take effect from the next pay period.",
    ),
    "pto_used": (
        "How much time off have I used?",
        "The Time Off section of the HR portal shows the vacation and sick days you have already taken this year "
        "next to your remaining balance.",
    ),
}


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data = json.load(open(sys.argv[1], encoding="utf-8"))
    if len(sys.argv) > 2:  # optional cross-check against the repo's domains.json
        dm = json.load(open(sys.argv[2], encoding="utf-8"))
        for d, intents in DOMAIN_INTENTS.items():
            assert sorted(dm[d]) == sorted(intents), d
    assert set(ENTRIES) == {i for v in DOMAIN_INTENTS.values() for i in v}

    rng = random.Random(SEED)

    # Held-out intents: 10 over 6 domains; a seeded shuffle of the domains decides which 4 lose 2 and which 2 lose 1.
    doms = list(DOMAINS)
    rng.shuffle(doms)
    held_out = set()
    for k, d in enumerate(doms):
        held_out.update(rng.sample(sorted(DOMAIN_INTENTS[d]), 2 if k < N_HELD_OUT - len(doms) else 1))
    assert len(held_out) == N_HELD_OUT

    test_by_intent = {}
    for u, i in data["test"]:
        lst = test_by_intent.setdefault(i, [])
        if norm(u) not in lst:
            lst.append(norm(u))

    # corpus
    cdir = HERE / "corpus"
    cdir.mkdir(exist_ok=True)
    intent_file = {}
    for d, (fname, title) in DOMAINS.items():
        lines = [f"# {title} FAQ", ""]
        for i in DOMAIN_INTENTS[d]:
            intent_file[i] = fname
            if i in held_out:
                continue
            q, a = ENTRIES[i]
            assert len(a.split()) < MAX_ANSWER_WORDS, (i, len(a.split()))
            lines += [f"## {q}", "", a, ""]
        (cdir / fname).write_text("\n".join(lines), encoding="utf-8")

    # answerable questions
    kept = sorted(i for i in ENTRIES if i not in held_out)
    questions = []
    for idx, i in enumerate(kept):
        q, a = ENTRIES[i]
        for u in rng.sample(sorted(test_by_intent[i]), PER_INTENT):
            questions.append(
                {
                    "id": f"clinc-{len(questions) + 1}",
                    "question": u,
                    "faq_question": q,
                    "file": intent_file[i],
                    "answer": a,
                    "split": "tune" if idx % 2 == 0 else "test",
                }
            )

    # unanswerable: missing entries (split alternates by held-out intent), then out-of-scope (alternates by line)
    unans = []
    for idx, i in enumerate(sorted(held_out)):
        for u in rng.sample(sorted(test_by_intent[i]), PER_INTENT):
            unans.append(
                {
                    "id": f"clinc-u{len(unans) + 1}",
                    "question": u,
                    "kind": "missing_entry",
                    "split": "tune" if idx % 2 == 0 else "test",
                }
            )
    oos = sorted({norm(u) for u, _ in data["oos_test"]})
    for k, u in enumerate(rng.sample(oos, N_OOS)):
        unans.append(
            {
                "id": f"clinc-u{len(unans) + 1}",
                "question": u,
                "kind": "out_of_scope",
                "split": "tune" if k % 2 == 0 else "test",
            }
        )

    with open(HERE / "questions.jsonl", "w", encoding="utf-8") as f:
        for r in questions:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(HERE / "unanswerable.jsonl", "w", encoding="utf-8") as f:
        for r in unans:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    check(held_out)


def check(held_out):
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted((HERE / "corpus").glob("*.md"))}
    headings = {n: re.findall(r"^## (.+)$", t, re.M) for n, t in pages.items()}
    qs = [json.loads(line) for line in open(HERE / "questions.jsonl", encoding="utf-8")]
    us = [json.loads(line) for line in open(HERE / "unanswerable.jsonl", encoding="utf-8")]
    for r in qs:
        assert r["faq_question"] in headings[r["file"]], r
        assert r["answer"] in pages[r["file"]], r
    all_heads = {h for hs in headings.values() for h in hs}
    for i in held_out:
        assert ENTRIES[i][0] not in all_heads, i
        assert ENTRIES[i][1] not in "\n".join(pages.values()), i

    # no answer copies a 5-word run of any user question in the pack
    def grams(s, n=5):
        w = re.findall(r"[a-z0-9']+", s.lower())
        return {tuple(w[k : k + n]) for k in range(len(w) - n + 1)}

    user = set().union(*(grams(r["question"]) for r in qs + us))
    for i, (_q, a) in ENTRIES.items():
        overlap = grams(a) & user
        if overlap:
            print("WARNING answer shares wording with a user question:", i, overlap)
    n_entries = sum(len(h) for h in headings.values())
    print(f"pages: {len(pages)}  entries: {n_entries}")
    print(f"held out ({len(held_out)}): {', '.join(sorted(held_out))}")
    for s in ("tune", "test"):
        print(
            f"{s}: answerable {sum(r['split'] == s for r in qs)}  "
            f"missing_entry {sum(r['split'] == s and r['kind'] == 'missing_entry' for r in us)}  "
            f"out_of_scope {sum(r['split'] == s and r['kind'] == 'out_of_scope' for r in us)}"
        )
    print(f"total: answerable {len(qs)}  unanswerable {len(us)}")


if __name__ == "__main__":
    main()
