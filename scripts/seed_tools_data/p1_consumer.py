"""Seed catalogue, part 1: Finance, Healthcare, Education, E-commerce, Travel, Weather,
Communication, Social Media, Maps and Navigation, Entertainment."""

CATALOGUE = {
    "Finance": {
        "Stock Trading": [
            (
                "get_stock_quote",
                "Get the latest real-time quote for a listed stock: last price, "
                "daily change and traded volume.",
                {
                    "symbol*": "str: Ticker symbol, e.g. AAPL",
                    "exchange": (
                        "str{NASDAQ|NYSE|LSE|TSE|XETRA}: Listing exchange, "
                        "when the ticker is ambiguous"
                    ),
                },
                {
                    "symbol": "str: Ticker symbol",
                    "price": "num[0,]: Last traded price",
                    "currency": "str: ISO 4217 currency of the price",
                    "change_percent": "num: Change since the previous close, in percent",
                    "volume": "int[0,]: Shares traded today",
                    "as_of": "datetime: Time of the quote",
                },
            ),
            (
                "place_stock_order",
                "Submit a buy or sell order for shares of a stock from a brokerage account.",
                {
                    "account_id*": "str: Brokerage account identifier",
                    "symbol*": "str: Ticker symbol to trade",
                    "side*": "str{buy|sell}: Order direction",
                    "quantity*": "int[1,]: Number of shares",
                    "order_type": "str{market|limit|stop|stop_limit}=market: Execution type",
                    "limit_price": "num[0,]: Limit price, required for limit and stop_limit orders",
                    "time_in_force": "str{day|gtc|ioc}=day: How long the order stays active",
                },
                {
                    "order_id": "str: Identifier of the new order",
                    "status": "str{accepted|rejected|filled|partially_filled}: Order status",
                    "symbol": "str: Ticker symbol",
                    "side": "str{buy|sell}: Order direction",
                    "quantity": "int: Shares ordered",
                    "submitted_at": "datetime: Submission time",
                    "reject_reason?": "str: Why the broker rejected the order",
                },
            ),
            (
                "list_dividend_history",
                "List past dividend payments of a stock between two dates.",
                {
                    "symbol*": "str: Ticker symbol",
                    "start_date": "date: First ex-dividend date to include",
                    "end_date": "date: Last ex-dividend date to include",
                },
                {
                    "symbol": "str: Ticker symbol",
                    "dividends": [
                        {
                            "ex_date": "date: Ex-dividend date",
                            "pay_date": "date: Payment date",
                            "amount": "num[0,]: Dividend per share",
                            "currency": "str: Payment currency",
                        }
                    ],
                },
            ),
        ],
        "Banking": [
            (
                "get_account_balance",
                "Get the available and ledger balance of a bank account.",
                {"account_id*": "str: Bank account identifier"},
                {
                    "account_id": "str: Bank account identifier",
                    "available_balance": "num: Funds available to spend",
                    "ledger_balance": "num: Booked balance including pending holds",
                    "currency": "str: ISO 4217 currency",
                    "as_of": "datetime: Balance time",
                },
            ),
            (
                "list_account_transactions",
                "List booked transactions of a bank account, newest first, "
                "optionally filtered by date range.",
                {
                    "account_id*": "str: Bank account identifier",
                    "from_date": "date: Earliest booking date",
                    "to_date": "date: Latest booking date",
                    "limit": "int[1,200]=50: Maximum number of transactions",
                },
                {
                    "account_id": "str: Bank account identifier",
                    "transactions": [
                        {
                            "transaction_id": "str: Transaction identifier",
                            "booked_on": "date: Booking date",
                            "amount": "num: Signed amount (negative for debits)",
                            "description": "str: Statement text",
                            "counterparty?": "str: Other party's name",
                        }
                    ],
                },
            ),
            (
                "create_bank_transfer",
                "Transfer money from one of the user's accounts to an IBAN.",
                {
                    "from_account_id*": "str: Source account identifier",
                    "to_iban*": "str: Beneficiary IBAN",
                    "beneficiary_name*": "str: Beneficiary's full name",
                    "amount*": "num[0.01,]: Amount to send",
                    "currency": "str{EUR|USD|GBP|CHF}=EUR: Transfer currency",
                    "reference": "str: Payment reference shown to the beneficiary",
                    "execution_date": "date: Date to execute; today when omitted",
                },
                {
                    "transfer_id": "str: Transfer identifier",
                    "status": "str{scheduled|pending|completed|rejected}: Transfer status",
                    "fee": "num[0,]: Fee charged",
                    "execution_date": "date: Execution date",
                },
            ),
        ],
        "Cryptocurrency": [
            (
                "get_crypto_price",
                "Get the current market price of a cryptocurrency in a fiat currency.",
                {
                    "coin*": "str: Coin ticker, e.g. BTC",
                    "vs_currency": "str{USD|EUR|GBP|JPY}=USD: Quote currency",
                },
                {
                    "coin": "str: Coin ticker",
                    "price": "num[0,]: Current price",
                    "vs_currency": "str: Quote currency",
                    "market_cap": "num[0,]: Market capitalisation",
                    "change_24h_percent": "num: 24-hour change in percent",
                },
            ),
            (
                "get_wallet_balances",
                "List token balances held by a blockchain wallet address.",
                {
                    "address*": "str: Wallet address",
                    "chain": "str{ethereum|bitcoin|solana|polygon}=ethereum: Blockchain network",
                },
                {
                    "address": "str: Wallet address",
                    "chain": "str: Blockchain network",
                    "balances": [
                        {
                            "token": "str: Token symbol",
                            "amount": "num[0,]: Token amount",
                            "value_usd": "num[0,]: Value in US dollars",
                        }
                    ],
                    "total_value_usd": "num[0,]: Total wallet value in USD",
                },
            ),
        ],
        "Personal Budgeting": [
            (
                "create_budget",
                "Create a monthly spending budget for a category.",
                {
                    "user_id*": "str: User identifier",
                    "category*": (
                        "str{groceries|dining|transport|housing|entertainment|utilities|"
                        "shopping}: Spending category"
                    ),
                    "monthly_limit*": "num[1,]: Monthly spending limit",
                    "currency": "str=USD: Budget currency",
                },
                {
                    "budget_id": "str: New budget identifier",
                    "category": "str: Spending category",
                    "monthly_limit": "num: Monthly limit",
                    "created_at": "datetime: Creation time",
                },
            ),
            (
                "get_spending_summary",
                "Summarise a user's spending per category for a month, "
                "compared with their budgets.",
                {"user_id*": "str: User identifier", "month*": "str: Month as YYYY-MM"},
                {
                    "month": "str: Month as YYYY-MM",
                    "total_spent": "num[0,]: Total spending",
                    "categories": [
                        {
                            "category": "str: Spending category",
                            "spent": "num[0,]: Amount spent",
                            "budget?": "num[0,]: Budgeted amount",
                            "over_budget": "bool: Whether spending exceeds the budget",
                        }
                    ],
                },
            ),
        ],
        "Tax Filing": [
            (
                "estimate_income_tax",
                "Estimate federal income tax owed for a tax year from income, "
                "filing status and deductions.",
                {
                    "tax_year*": "int[2018,2030]: Tax year",
                    "filing_status*": (
                        "str{single|married_joint|married_separate|head_of_household}: "
                        "Filing status"
                    ),
                    "gross_income*": "num[0,]: Gross annual income",
                    "deductions": (
                        "num[0,]: Itemised deductions; the standard deduction is used when omitted"
                    ),
                    "state": "str: Two-letter US state code for state tax",
                },
                {
                    "taxable_income": "num[0,]: Income after deductions",
                    "federal_tax": "num[0,]: Estimated federal tax",
                    "state_tax?": "num[0,]: Estimated state tax",
                    "effective_rate_percent": "num[0,100]: Effective tax rate",
                    "marginal_bracket_percent": "num[0,100]: Marginal bracket",
                },
            ),
            (
                "submit_tax_return",
                "Electronically file a prepared tax return with the tax authority.",
                {
                    "return_id*": "str: Prepared return identifier",
                    "signature_pin*": "str: Five-digit self-select signature PIN",
                    "refund_method": (
                        "str{direct_deposit|check|apply_to_next_year}=direct_deposit: "
                        "How to receive a refund"
                    ),
                },
                {
                    "submission_id": "str: E-file submission identifier",
                    "status": "str{transmitted|accepted|rejected}: Filing status",
                    "submitted_at": "datetime: Transmission time",
                    "expected_refund?": "num[0,]: Expected refund amount",
                },
            ),
        ],
    },
    "Healthcare": {
        "Appointment Scheduling": [
            (
                "search_available_slots",
                "Find open appointment slots with a provider or specialty near a location.",
                {
                    "specialty*": (
                        "str{general_practice|dermatology|cardiology|pediatrics|orthopedics|"
                        "dentistry}: Medical specialty"
                    ),
                    "zip_code": "str: ZIP code to search near",
                    "provider_id": "str: Restrict to one provider",
                    "from_date": "date: Earliest date",
                    "to_date": "date: Latest date",
                },
                {
                    "slots": [
                        {
                            "slot_id": "str: Slot identifier",
                            "provider_id": "str: Provider identifier",
                            "provider_name": "str: Provider's name",
                            "start_time": "datetime: Slot start",
                            "duration_minutes": "int[5,240]: Slot length",
                        }
                    ]
                },
            ),
            (
                "book_appointment",
                "Book a patient into an open appointment slot.",
                {
                    "slot_id*": "str: Slot identifier from search_available_slots",
                    "patient_id*": "str: Patient identifier",
                    "reason": "str: Reason for the visit",
                    "visit_type": "str{in_person|video}=in_person: Visit type",
                },
                {
                    "appointment_id": "str: Appointment identifier",
                    "status": "str{confirmed|waitlisted}: Booking status",
                    "start_time": "datetime: Appointment start",
                    "location?": "str: Clinic address",
                },
            ),
            (
                "cancel_appointment",
                "Cancel a booked appointment and release the slot.",
                {
                    "appointment_id*": "str: Appointment identifier",
                    "reason": "str: Cancellation reason",
                },
                {
                    "appointment_id": "str: Appointment identifier",
                    "status": "str{cancelled}: New status",
                    "late_cancellation_fee": "num[0,]: Fee charged, 0 if none",
                },
            ),
        ],
        "Electronic Health Records": [
            (
                "get_patient_record",
                "Retrieve a patient's summary record: demographics, allergies, "
                "active problems and medications.",
                {
                    "patient_id*": "str: Patient identifier",
                    "sections": (
                        "str{demographics|allergies|problems|medications|immunizations}[]: "
                        "Sections to include; all when omitted"
                    ),
                },
                {
                    "patient_id": "str: Patient identifier",
                    "name": "str: Patient's full name",
                    "date_of_birth": "date: Date of birth",
                    "allergies": [
                        {
                            "substance": "str: Allergen",
                            "severity": "str{mild|moderate|severe}: Reaction severity",
                        }
                    ],
                    "active_problems": "str[]: Active diagnoses (ICD-10 descriptions)",
                    "medications": [{"name": "str: Drug name", "dose": "str: Dose and frequency"}],
                },
            ),
            (
                "add_clinical_note",
                "Add a clinical note to a patient's chart.",
                {
                    "patient_id*": "str: Patient identifier",
                    "author_id*": "str: Clinician identifier",
                    "note_type*": "str{progress|soap|discharge|consult}: Note type",
                    "text*": "str: Note body",
                    "encounter_id": "str: Related encounter",
                },
                {
                    "note_id": "str: New note identifier",
                    "patient_id": "str: Patient identifier",
                    "created_at": "datetime: Creation time",
                    "signed": "bool: Whether the note is signed",
                },
            ),
            (
                "list_lab_results",
                "List a patient's laboratory results, optionally for one test code.",
                {
                    "patient_id*": "str: Patient identifier",
                    "loinc_code": "str: LOINC code of the test",
                    "since": "date: Only results on or after this date",
                },
                {
                    "results": [
                        {
                            "result_id": "str: Result identifier",
                            "test_name": "str: Test name",
                            "value": "num: Measured value",
                            "unit": "str: Unit",
                            "reference_range": "str: Normal range",
                            "flag": "str{normal|low|high|critical}: Interpretation",
                            "collected_at": "datetime: Collection time",
                        }
                    ]
                },
            ),
        ],
        "Pharmacy": [
            (
                "check_drug_interactions",
                "Check a list of medications for known drug-drug interactions.",
                {"medications*": "str[]: Drug names or RxNorm codes (at least two)"},
                {
                    "interactions": [
                        {
                            "drug_a": "str: First drug",
                            "drug_b": "str: Second drug",
                            "severity": "str{minor|moderate|major|contraindicated}: Severity",
                            "description": "str: Clinical effect",
                        }
                    ],
                    "checked_count": "int[0,]: Number of drugs checked",
                },
            ),
            (
                "request_prescription_refill",
                "Request a refill of an existing prescription at a pharmacy.",
                {
                    "prescription_id*": "str: Prescription identifier",
                    "pharmacy_id*": "str: Pharmacy identifier",
                    "pickup_date": "date: Preferred pickup date",
                },
                {
                    "refill_id": "str: Refill request identifier",
                    "status": "str{submitted|ready|needs_authorization|denied}: Request status",
                    "refills_remaining": "int[0,]: Refills left after this one",
                    "estimated_ready_at?": "datetime: When it should be ready",
                },
            ),
        ],
        "Telemedicine": [
            (
                "start_video_consultation",
                "Open a secure video consultation room for a booked telehealth appointment.",
                {
                    "appointment_id*": "str: Appointment identifier",
                    "participant_role*": "str{patient|clinician}: Who is joining",
                },
                {
                    "session_id": "str: Consultation session identifier",
                    "join_url": "uri: Link to join the room",
                    "expires_at": "datetime: Link expiry",
                },
            ),
            (
                "submit_symptom_check",
                "Submit symptoms to a triage engine and get a recommended care level.",
                {
                    "age*": "int[0,120]: Patient age in years",
                    "sex*": "str{female|male|other}: Sex",
                    "symptoms*": "str[]: Reported symptoms",
                    "duration_days": "int[0,365]: How long symptoms have lasted",
                },
                {
                    "triage_level": (
                        "str{self_care|primary_care|urgent_care|emergency}: Recommended care level"
                    ),
                    "possible_conditions": [
                        {"name": "str: Condition", "likelihood": "num[0,1]: Estimated probability"}
                    ],
                    "advice": "str: Next steps",
                },
            ),
        ],
        "Fitness Tracking": [
            (
                "log_workout",
                "Record a completed workout session.",
                {
                    "user_id*": "str: User identifier",
                    "activity*": (
                        "str{running|cycling|swimming|strength|yoga|walking}: Activity type"
                    ),
                    "duration_minutes*": "int[1,600]: Duration",
                    "distance_km": "num[0,]: Distance covered",
                    "calories": "int[0,]: Calories burned",
                    "started_at": "datetime: Start time",
                },
                {
                    "workout_id": "str: Workout identifier",
                    "activity": "str: Activity type",
                    "duration_minutes": "int: Duration",
                    "personal_record": "bool: Whether it set a personal best",
                },
            ),
            (
                "get_daily_activity",
                "Get step count, active minutes, heart rate and sleep for one day.",
                {"user_id*": "str: User identifier", "date*": "date: Day to summarise"},
                {
                    "date": "date: Day",
                    "steps": "int[0,]: Step count",
                    "active_minutes": "int[0,1440]: Active minutes",
                    "resting_heart_rate": "int[30,200]: Resting heart rate (bpm)",
                    "sleep_hours": "num[0,24]: Hours slept",
                },
            ),
        ],
    },
    "Education": {
        "Course Management": [
            (
                "enroll_student",
                "Enroll a student in a course section.",
                {
                    "student_id*": "str: Student identifier",
                    "course_id*": "str: Course identifier",
                    "section": "str: Section code, e.g. A01",
                },
                {
                    "enrollment_id": "str: Enrollment identifier",
                    "status": "str{enrolled|waitlisted}: Enrollment status",
                    "waitlist_position?": "int[1,]: Position on the waitlist",
                },
            ),
            (
                "list_course_assignments",
                "List assignments of a course with due dates and the student's submission status.",
                {
                    "course_id*": "str: Course identifier",
                    "student_id": "str: Student whose submission status to include",
                    "upcoming_only": "bool=false: Only assignments not yet due",
                },
                {
                    "course_id": "str: Course identifier",
                    "assignments": [
                        {
                            "assignment_id": "str: Assignment identifier",
                            "title": "str: Title",
                            "due_at": "datetime: Due date",
                            "points": "int[0,]: Maximum points",
                            "submitted?": "bool: Whether the student submitted it",
                        }
                    ],
                },
            ),
            (
                "post_grade",
                "Record a grade for a student's assignment submission.",
                {
                    "assignment_id*": "str: Assignment identifier",
                    "student_id*": "str: Student identifier",
                    "score*": "num[0,]: Points awarded",
                    "feedback": "str: Comments to the student",
                },
                {
                    "grade_id": "str: Grade identifier",
                    "score": "num: Points awarded",
                    "percentage": "num[0,100]: Score as a percentage",
                    "posted_at": "datetime: Time posted",
                },
            ),
        ],
        "Language Learning": [
            (
                "get_vocabulary_lesson",
                "Get a vocabulary lesson of words and example sentences for a language and level.",
                {
                    "language*": "str{es|fr|de|it|ja|zh|ko|pt}: Target language (ISO 639-1)",
                    "level*": "str{A1|A2|B1|B2|C1|C2}: CEFR level",
                    "theme": "str: Topic such as food or travel",
                    "word_count": "int[5,50]=10: Number of words",
                },
                {
                    "lesson_id": "str: Lesson identifier",
                    "words": [
                        {
                            "word": "str: Word in the target language",
                            "translation": "str: English translation",
                            "example": "str: Example sentence",
                        }
                    ],
                },
            ),
            (
                "submit_practice_answer",
                "Submit a learner's answer to a practice exercise and get it graded.",
                {
                    "exercise_id*": "str: Exercise identifier",
                    "learner_id*": "str: Learner identifier",
                    "answer*": "str: Learner's answer",
                },
                {
                    "correct": "bool: Whether the answer is correct",
                    "expected_answer": "str: Model answer",
                    "explanation": "str: Why",
                    "streak_days": "int[0,]: Current daily streak",
                    "xp_earned": "int[0,]: Experience points earned",
                },
            ),
        ],
        "Exam Preparation": [
            (
                "generate_practice_quiz",
                "Generate a multiple-choice practice quiz for an exam and topic.",
                {
                    "exam*": "str{SAT|ACT|GRE|GMAT|TOEFL|IELTS}: Target exam",
                    "topic": "str: Topic, e.g. algebra",
                    "num_questions": "int[1,50]=10: Number of questions",
                    "difficulty": "str{easy|medium|hard}=medium: Difficulty",
                },
                {
                    "quiz_id": "str: Quiz identifier",
                    "questions": [
                        {
                            "question_id": "str: Question identifier",
                            "prompt": "str: Question text",
                            "choices": "str[]: Answer options",
                            "correct_index": "int[0,5]: Index of the correct option",
                        }
                    ],
                },
            ),
            (
                "get_exam_score_prediction",
                "Predict a student's exam score from their practice test history.",
                {
                    "student_id*": "str: Student identifier",
                    "exam*": "str{SAT|ACT|GRE|GMAT}: Target exam",
                },
                {
                    "exam": "str: Exam",
                    "predicted_score": "int[0,]: Predicted total score",
                    "confidence_interval": {
                        "_": "90% interval",
                        "low": "int: Lower bound",
                        "high": "int: Upper bound",
                    },
                    "weak_topics": "str[]: Topics to focus on",
                },
            ),
        ],
        "Library Services": [
            (
                "search_library_catalog",
                "Search a library catalog by title, author or ISBN and show availability.",
                {
                    "query*": "str: Title, author or ISBN",
                    "format": "str{book|ebook|audiobook|dvd}: Item format",
                    "branch_id": "str: Library branch",
                },
                {
                    "items": [
                        {
                            "item_id": "str: Catalog item identifier",
                            "title": "str: Title",
                            "author": "str: Author",
                            "isbn?": "str: ISBN-13",
                            "available_copies": "int[0,]: Copies on the shelf",
                            "format": "str: Format",
                        }
                    ],
                    "total": "int[0,]: Total matches",
                },
            ),
            (
                "place_hold",
                "Place a hold on a catalog item for a library patron.",
                {
                    "item_id*": "str: Catalog item identifier",
                    "patron_id*": "str: Library card number",
                    "pickup_branch_id*": "str: Branch for pickup",
                },
                {
                    "hold_id": "str: Hold identifier",
                    "queue_position": "int[1,]: Position in the holds queue",
                    "estimated_available": "date: Estimated availability",
                },
            ),
            (
                "renew_loan",
                "Renew a checked-out item to extend its due date.",
                {"loan_id*": "str: Loan identifier", "patron_id*": "str: Library card number"},
                {
                    "loan_id": "str: Loan identifier",
                    "renewed": "bool: Whether the renewal succeeded",
                    "new_due_date": "date: New due date",
                    "renewals_left": "int[0,]: Renewals remaining",
                },
            ),
        ],
        "Tutoring": [
            (
                "find_tutors",
                "Find tutors for a subject filtered by price and availability.",
                {
                    "subject*": "str: Subject, e.g. calculus",
                    "max_hourly_rate": "num[0,]: Maximum hourly rate in USD",
                    "online": "bool=true: Include online tutors",
                    "grade_level": (
                        "str{elementary|middle_school|high_school|college|adult}: Learner level"
                    ),
                },
                {
                    "tutors": [
                        {
                            "tutor_id": "str: Tutor identifier",
                            "name": "str: Tutor name",
                            "hourly_rate": "num[0,]: Hourly rate in USD",
                            "rating": "num[0,5]: Average rating",
                            "subjects": "str[]: Subjects taught",
                        }
                    ]
                },
            ),
            (
                "schedule_tutoring_session",
                "Schedule a session with a tutor.",
                {
                    "tutor_id*": "str: Tutor identifier",
                    "student_id*": "str: Student identifier",
                    "start_time*": "datetime: Session start",
                    "duration_minutes": "int{30|45|60|90}=60: Session length",
                },
                {
                    "session_id": "str: Session identifier",
                    "status": "str{scheduled|pending_tutor_confirmation}: Status",
                    "meeting_url?": "uri: Online room link",
                    "price": "num[0,]: Session price",
                },
            ),
        ],
    },
    "E-commerce": {
        "Product Catalog": [
            (
                "search_products",
                "Search the product catalog by keyword with category and price filters.",
                {
                    "query*": "str: Search keywords",
                    "category": "str{electronics|home|clothing|beauty|sports|toys|books}: Category",
                    "min_price": "num[0,]: Minimum price",
                    "max_price": "num[0,]: Maximum price",
                    "sort": (
                        "str{relevance|price_asc|price_desc|rating|newest}=relevance: Sort order"
                    ),
                    "page": "int[1,]=1: Results page",
                },
                {
                    "products": [
                        {
                            "product_id": "str: Product identifier",
                            "title": "str: Product title",
                            "price": "num[0,]: Current price",
                            "rating": "num[0,5]: Average rating",
                            "in_stock": "bool: Availability",
                        }
                    ],
                    "total": "int[0,]: Total matching products",
                    "page": "int[1,]: Page returned",
                },
            ),
            (
                "get_product_details",
                "Get full details of a product: description, variants, specifications and stock.",
                {"product_id*": "str: Product identifier"},
                {
                    "product_id": "str: Product identifier",
                    "title": "str: Title",
                    "brand": "str: Brand",
                    "description": "str: Long description",
                    "variants": [
                        {
                            "sku": "str: Variant SKU",
                            "color?": "str: Color",
                            "size?": "str: Size",
                            "price": "num[0,]: Price",
                            "stock": "int[0,]: Units in stock",
                        }
                    ],
                    "specifications": {
                        "_": "Key technical specifications",
                        "weight_kg?": "num[0,]: Weight",
                        "dimensions_cm?": "str: W x H x D",
                        "material?": "str: Main material",
                    },
                },
            ),
        ],
        "Shopping Cart": [
            (
                "add_to_cart",
                "Add a product variant to a shopping cart, creating the cart if needed.",
                {
                    "sku*": "str: Variant SKU",
                    "quantity": "int[1,99]=1: Units to add",
                    "cart_id": "str: Existing cart; a new cart is created when omitted",
                },
                {
                    "cart_id": "str: Cart identifier",
                    "items": [
                        {
                            "sku": "str: SKU",
                            "quantity": "int[1,]: Units",
                            "unit_price": "num[0,]: Unit price",
                        }
                    ],
                    "subtotal": "num[0,]: Cart subtotal",
                    "currency": "str: Currency",
                },
            ),
            (
                "apply_coupon",
                "Apply a coupon code to a cart and return the updated totals.",
                {"cart_id*": "str: Cart identifier", "coupon_code*": "str: Coupon code"},
                {
                    "cart_id": "str: Cart identifier",
                    "applied": "bool: Whether the coupon was accepted",
                    "discount": "num[0,]: Discount amount",
                    "total": "num[0,]: New total",
                    "message?": "str: Reason the coupon was refused",
                },
            ),
            (
                "checkout_cart",
                "Place an order from a cart using a saved payment method and shipping address.",
                {
                    "cart_id*": "str: Cart identifier",
                    "payment_method_id*": "str: Saved payment method",
                    "shipping_address_id*": "str: Saved address",
                    "shipping_speed": "str{standard|express|overnight}=standard: Shipping option",
                },
                {
                    "order_id": "str: New order identifier",
                    "total_charged": "num[0,]: Amount charged",
                    "estimated_delivery": "date: Estimated delivery date",
                    "status": "str{placed|payment_failed}: Result",
                },
            ),
        ],
        "Order Tracking": [
            (
                "get_order_status",
                "Get the fulfilment status of an order and its shipments.",
                {"order_id*": "str: Order identifier"},
                {
                    "order_id": "str: Order identifier",
                    "status": (
                        "str{processing|shipped|out_for_delivery|delivered|cancelled}: Order status"
                    ),
                    "shipments": [
                        {
                            "tracking_number": "str: Carrier tracking number",
                            "carrier": "str: Carrier name",
                            "estimated_delivery": "date: Estimated delivery",
                        }
                    ],
                    "placed_at": "datetime: Order time",
                },
            ),
            (
                "list_customer_orders",
                "List a customer's recent orders.",
                {
                    "customer_id*": "str: Customer identifier",
                    "status": "str{processing|shipped|delivered|cancelled}: Filter by status",
                    "limit": "int[1,100]=20: Maximum orders",
                },
                {
                    "orders": [
                        {
                            "order_id": "str: Order identifier",
                            "placed_at": "datetime: Order time",
                            "total": "num[0,]: Order total",
                            "status": "str: Status",
                            "item_count": "int[1,]: Items",
                        }
                    ]
                },
            ),
        ],
        "Returns and Refunds": [
            (
                "create_return_request",
                "Open a return for items of a delivered order and get a return label.",
                {
                    "order_id*": "str: Order identifier",
                    "items*": [
                        {
                            "_": "Items to return",
                            "sku*": "str: SKU to return",
                            "quantity*": "int[1,]: Units",
                        }
                    ],
                    "reason*": (
                        "str{damaged|wrong_item|not_as_described|no_longer_needed|size_issue}: "
                        "Return reason"
                    ),
                    "comment": "str: Customer comment",
                },
                {
                    "return_id": "str: Return identifier",
                    "status": "str{approved|pending_review|rejected}: Status",
                    "label_url?": "uri: Prepaid shipping label",
                    "refund_amount": "num[0,]: Expected refund",
                },
            ),
            (
                "get_refund_status",
                "Get the status of the refund for a return.",
                {"return_id*": "str: Return identifier"},
                {
                    "return_id": "str: Return identifier",
                    "refund_status": "str{not_started|processing|issued|failed}: Refund status",
                    "amount": "num[0,]: Refund amount",
                    "method": "str{original_payment|store_credit}: Refund method",
                    "issued_at?": "datetime: When it was issued",
                },
            ),
        ],
        "Price Comparison": [
            (
                "compare_prices",
                "Compare current offers for a product across online retailers.",
                {
                    "product_query*": "str: Product name, model or GTIN",
                    "country": "str{US|GB|DE|FR|CA}=US: Market",
                    "include_used": "bool=false: Include used offers",
                },
                {
                    "product": "str: Matched product",
                    "offers": [
                        {
                            "retailer": "str: Retailer",
                            "price": "num[0,]: Price",
                            "shipping": "num[0,]: Shipping cost",
                            "condition": "str{new|used|refurbished}: Condition",
                            "url": "uri: Offer link",
                        }
                    ],
                    "lowest_total": "num[0,]: Cheapest price including shipping",
                },
            ),
            (
                "create_price_alert",
                "Get notified when a product's price drops below a target.",
                {
                    "product_query*": "str: Product name or GTIN",
                    "target_price*": "num[0,]: Target price",
                    "email*": "email: Notification address",
                },
                {
                    "alert_id": "str: Alert identifier",
                    "current_lowest_price": "num[0,]: Current lowest price",
                    "active": "bool: Whether the alert is active",
                },
            ),
        ],
    },
    "Travel": {
        "Flight Booking": [
            (
                "search_flights",
                "Search flight offers between two airports on given dates.",
                {
                    "origin*": "str: Origin IATA airport code, e.g. JFK",
                    "destination*": "str: Destination IATA airport code",
                    "departure_date*": "date: Outbound date",
                    "return_date": "date: Return date for round trips",
                    "adults": "int[1,9]=1: Adult passengers",
                    "cabin": "str{economy|premium_economy|business|first}=economy: Cabin class",
                    "max_stops": "int[0,3]: Maximum number of stops",
                },
                {
                    "offers": [
                        {
                            "offer_id": "str: Offer identifier",
                            "airline": "str: Marketing airline",
                            "departure_time": "datetime: Departure",
                            "arrival_time": "datetime: Arrival",
                            "stops": "int[0,]: Stops",
                            "price": "num[0,]: Total price",
                            "currency": "str: Currency",
                        }
                    ]
                },
            ),
            (
                "book_flight",
                "Book a flight offer for the listed passengers.",
                {
                    "offer_id*": "str: Offer identifier from search_flights",
                    "passengers*": [
                        {
                            "_": "Travellers, in the order of the offer",
                            "first_name*": "str: Given name",
                            "last_name*": "str: Family name",
                            "date_of_birth*": "date: Date of birth",
                            "passport_number": "str: Passport number",
                        }
                    ],
                    "contact_email*": "email: Contact email",
                },
                {
                    "booking_reference": "str: Six-character PNR",
                    "status": "str{confirmed|on_hold|failed}: Booking status",
                    "total_price": "num[0,]: Price charged",
                    "ticket_numbers": "str[]: E-ticket numbers",
                },
            ),
            (
                "get_flight_status",
                "Get the live status of a flight: delays, gate and terminal.",
                {
                    "flight_number*": "str: Carrier code and number, e.g. BA117",
                    "date*": "date: Scheduled departure date",
                },
                {
                    "flight_number": "str: Flight number",
                    "status": "str{scheduled|boarding|departed|landed|delayed|cancelled}: Status",
                    "delay_minutes": "int[0,]: Delay",
                    "departure_gate?": "str: Gate",
                    "terminal?": "str: Terminal",
                },
            ),
        ],
        "Hotel Reservations": [
            (
                "search_hotels",
                "Search hotels in a city with availability for the stay dates.",
                {
                    "city*": "str: City name",
                    "check_in*": "date: Check-in date",
                    "check_out*": "date: Check-out date",
                    "guests": "int[1,10]=2: Number of guests",
                    "min_stars": "int[1,5]: Minimum star rating",
                    "max_price_per_night": "num[0,]: Price cap per night",
                },
                {
                    "hotels": [
                        {
                            "hotel_id": "str: Hotel identifier",
                            "name": "str: Hotel name",
                            "stars": "int[1,5]: Star rating",
                            "price_per_night": "num[0,]: Lowest nightly rate",
                            "guest_rating": "num[0,10]: Guest review score",
                            "address": "str: Address",
                        }
                    ]
                },
            ),
            (
                "reserve_hotel_room",
                "Reserve a room at a hotel for given dates.",
                {
                    "hotel_id*": "str: Hotel identifier",
                    "room_type*": "str{single|double|twin|suite}: Room type",
                    "check_in*": "date: Check-in date",
                    "check_out*": "date: Check-out date",
                    "guest_name*": "str: Lead guest name",
                    "special_requests": "str: Requests such as late arrival",
                },
                {
                    "reservation_id": "str: Reservation identifier",
                    "status": "str{confirmed|pending}: Status",
                    "total_price": "num[0,]: Total for the stay",
                    "cancellation_deadline": "datetime: Free cancellation until",
                },
            ),
        ],
        "Car Rental": [
            (
                "search_rental_cars",
                "Find rental cars available at a pickup location.",
                {
                    "pickup_location*": "str: Airport code or city",
                    "pickup_at*": "datetime: Pickup time",
                    "dropoff_at*": "datetime: Return time",
                    "car_class": "str{economy|compact|midsize|suv|luxury|van}: Vehicle class",
                    "driver_age": "int[18,99]: Driver age",
                },
                {
                    "cars": [
                        {
                            "quote_id": "str: Quote identifier",
                            "model": "str: Example model",
                            "car_class": "str: Class",
                            "supplier": "str: Rental company",
                            "total_price": "num[0,]: Total price",
                            "unlimited_mileage": "bool: Unlimited mileage",
                        }
                    ]
                },
            ),
            (
                "book_rental_car",
                "Book a rental car quote.",
                {
                    "quote_id*": "str: Quote identifier",
                    "driver_name*": "str: Main driver's name",
                    "driver_license_number*": "str: License number",
                    "extras": (
                        "str{gps|child_seat|additional_driver|full_insurance}[]: Optional extras"
                    ),
                },
                {
                    "rental_id": "str: Rental confirmation number",
                    "status": "str{confirmed|pending}: Status",
                    "total_price": "num[0,]: Total price",
                    "pickup_instructions": "str: Where to collect the car",
                },
            ),
        ],
        "Itinerary Planning": [
            (
                "create_itinerary",
                "Create a day-by-day trip itinerary for a destination and interests.",
                {
                    "destination*": "str: City or region",
                    "start_date*": "date: First day",
                    "days*": "int[1,30]: Trip length",
                    "interests": (
                        "str{museums|food|nature|nightlife|shopping|history|family}[]: Interests"
                    ),
                    "pace": "str{relaxed|moderate|packed}=moderate: Activities per day",
                },
                {
                    "itinerary_id": "str: Itinerary identifier",
                    "days": [
                        {
                            "date": "date: Day",
                            "activities": [
                                {
                                    "time": "str: HH:MM",
                                    "title": "str: Activity",
                                    "location": "str: Place",
                                }
                            ],
                        }
                    ],
                },
            ),
            (
                "add_itinerary_item",
                "Add an activity, booking or note to an existing itinerary day.",
                {
                    "itinerary_id*": "str: Itinerary identifier",
                    "date*": "date: Day",
                    "title*": "str: Activity title",
                    "start_time": "str: HH:MM start",
                    "location": "str: Place",
                    "confirmation_code": "str: Related booking code",
                },
                {
                    "item_id": "str: New item identifier",
                    "itinerary_id": "str: Itinerary identifier",
                    "conflicts": "str[]: Titles of overlapping items",
                },
            ),
        ],
        "Visa Information": [
            (
                "check_visa_requirements",
                "Check whether a traveller needs a visa for a destination country.",
                {
                    "passport_country*": "str: Passport's ISO 3166-1 alpha-2 code",
                    "destination_country*": "str: Destination ISO 3166-1 alpha-2 code",
                    "purpose": "str{tourism|business|study|transit}=tourism: Trip purpose",
                    "stay_days": "int[1,365]: Planned stay length",
                },
                {
                    "visa_required": "bool: Whether a visa is needed",
                    "visa_type": "str{none|visa_on_arrival|e_visa|embassy_visa}: Visa type",
                    "max_stay_days": "int[0,]: Permitted stay",
                    "documents": "str[]: Required documents",
                    "notes?": "str: Extra conditions",
                },
            ),
            (
                "get_visa_application_status",
                "Track the processing status of an e-visa application.",
                {
                    "application_number*": "str: Application reference",
                    "passport_number*": "str: Applicant's passport number",
                },
                {
                    "application_number": "str: Application reference",
                    "status": "str{received|in_review|approved|refused}: Status",
                    "decision_date?": "date: Decision date",
                    "valid_until?": "date: Visa expiry",
                },
            ),
        ],
    },
    "Weather": {
        "Forecasts": [
            (
                "get_current_weather",
                "Get current weather conditions for a location.",
                {
                    "location*": "str: City name or 'lat,lon'",
                    "units": "str{metric|imperial}=metric: Unit system",
                },
                {
                    "location": "str: Resolved location",
                    "temperature": "num: Air temperature",
                    "feels_like": "num: Apparent temperature",
                    "humidity_percent": "int[0,100]: Relative humidity",
                    "wind_speed": "num[0,]: Wind speed",
                    "conditions": "str: Short description, e.g. light rain",
                    "observed_at": "datetime: Observation time",
                },
            ),
            (
                "get_daily_forecast",
                "Get a multi-day forecast with highs, lows and precipitation chance.",
                {
                    "location*": "str: City name or 'lat,lon'",
                    "days": "int[1,16]=7: Number of days",
                    "units": "str{metric|imperial}=metric: Unit system",
                },
                {
                    "location": "str: Resolved location",
                    "days": [
                        {
                            "date": "date: Day",
                            "high": "num: Maximum temperature",
                            "low": "num: Minimum temperature",
                            "precipitation_chance": "int[0,100]: Chance of precipitation (%)",
                            "summary": "str: Conditions",
                        }
                    ],
                },
            ),
            (
                "get_hourly_forecast",
                "Get an hour-by-hour forecast for the next hours.",
                {
                    "latitude*": "num[-90,90]: Latitude",
                    "longitude*": "num[-180,180]: Longitude",
                    "hours": "int[1,48]=24: Hours ahead",
                },
                {
                    "hours": [
                        {
                            "time": "datetime: Hour",
                            "temperature_c": "num: Temperature (°C)",
                            "precipitation_mm": "num[0,]: Precipitation",
                            "wind_kph": "num[0,]: Wind speed",
                        }
                    ]
                },
            ),
        ],
        "Air Quality": [
            (
                "get_air_quality_index",
                "Get the current air quality index and pollutant concentrations for a location.",
                {
                    "location*": "str: City name or 'lat,lon'",
                    "standard": "str{us_epa|eu_caqi}=us_epa: AQI scale",
                },
                {
                    "location": "str: Resolved location",
                    "aqi": "int[0,500]: Air quality index",
                    "category": (
                        "str{good|moderate|unhealthy_sensitive|unhealthy|very_unhealthy|"
                        "hazardous}: AQI band"
                    ),
                    "dominant_pollutant": "str{pm25|pm10|o3|no2|so2|co}: Main pollutant",
                    "pollutants": {
                        "pm25": "num[0,]: PM2.5 (µg/m³)",
                        "pm10": "num[0,]: PM10 (µg/m³)",
                        "o3": "num[0,]: Ozone (ppb)",
                    },
                },
            ),
            (
                "get_pollen_forecast",
                "Get the pollen forecast by allergen type for the coming days.",
                {"location*": "str: City name", "days": "int[1,5]=3: Days ahead"},
                {
                    "forecast": [
                        {
                            "date": "date: Day",
                            "tree": "str{low|moderate|high|very_high}: Tree pollen",
                            "grass": "str{low|moderate|high|very_high}: Grass pollen",
                            "weed": "str{low|moderate|high|very_high}: Weed pollen",
                        }
                    ]
                },
            ),
        ],
        "Severe Weather Alerts": [
            (
                "list_active_weather_alerts",
                "List active severe weather warnings for a region.",
                {
                    "region*": "str: State, province or country code",
                    "severity": "str{minor|moderate|severe|extreme}: Minimum severity",
                },
                {
                    "alerts": [
                        {
                            "alert_id": "str: Alert identifier",
                            "event": "str: Event, e.g. Tornado Warning",
                            "severity": "str: Severity",
                            "effective": "datetime: Start",
                            "expires": "datetime: End",
                            "area": "str: Affected area",
                            "instructions": "str: Safety instructions",
                        }
                    ]
                },
            ),
            (
                "subscribe_weather_alerts",
                "Subscribe a phone number or email to severe weather alerts for a location.",
                {
                    "location*": "str: City or ZIP code",
                    "channel*": "str{sms|email|push}: Delivery channel",
                    "destination*": "str: Phone number, email or device token",
                    "event_types": (
                        "str{tornado|flood|hurricane|winter_storm|heat|wildfire}[]: "
                        "Event types; all when omitted"
                    ),
                },
                {
                    "subscription_id": "str: Subscription identifier",
                    "active": "bool: Whether it is active",
                    "event_types": "str[]: Subscribed event types",
                },
            ),
        ],
        "Historical Climate": [
            (
                "get_historical_weather",
                "Get observed daily weather for a location over a past date range.",
                {
                    "location*": "str: City or station",
                    "start_date*": "date: First day",
                    "end_date*": "date: Last day",
                },
                {
                    "location": "str: Resolved location",
                    "observations": [
                        {
                            "date": "date: Day",
                            "temp_max_c": "num: Max temperature",
                            "temp_min_c": "num: Min temperature",
                            "precipitation_mm": "num[0,]: Precipitation",
                        }
                    ],
                },
            ),
            (
                "get_climate_normals",
                "Get 30-year monthly climate normals for a location.",
                {
                    "location*": "str: City or station",
                    "month": "int[1,12]: Month; all months when omitted",
                },
                {
                    "location": "str: Resolved location",
                    "period": "str: Reference period, e.g. 1991-2020",
                    "months": [
                        {
                            "month": "int[1,12]: Month",
                            "avg_temp_c": "num: Mean temperature",
                            "avg_precipitation_mm": "num[0,]: Mean precipitation",
                            "sunshine_hours": "num[0,]: Mean sunshine",
                        }
                    ],
                },
            ),
        ],
    },
    "Communication": {
        "Email": [
            (
                "send_email",
                "Send an email message, optionally with CC recipients.",
                {
                    "to*": "email[]: Recipient addresses",
                    "subject*": "str: Subject line",
                    "body*": "str: Message body (plain text or HTML)",
                    "cc": "email[]: CC addresses",
                    "reply_to_message_id": "str: Message being replied to",
                },
                {
                    "message_id": "str: Sent message identifier",
                    "thread_id": "str: Conversation thread",
                    "sent_at": "datetime: Send time",
                },
            ),
            (
                "search_inbox",
                "Search the mailbox by sender, subject or free text.",
                {
                    "query*": "str: Search text",
                    "from_address": "email: Restrict to a sender",
                    "unread_only": "bool=false: Only unread messages",
                    "after": "date: Received on or after",
                    "max_results": "int[1,100]=20: Maximum messages",
                },
                {
                    "messages": [
                        {
                            "message_id": "str: Message identifier",
                            "from": "email: Sender",
                            "subject": "str: Subject",
                            "snippet": "str: Preview text",
                            "received_at": "datetime: Received",
                            "unread": "bool: Unread flag",
                        }
                    ]
                },
            ),
            (
                "move_email_to_folder",
                "Move a message to a mailbox folder or label.",
                {
                    "message_id*": "str: Message identifier",
                    "folder*": "str{inbox|archive|spam|trash|important}: Destination folder",
                },
                {
                    "message_id": "str: Message identifier",
                    "folder": "str: New folder",
                    "moved": "bool: Whether it moved",
                },
            ),
        ],
        "Instant Messaging": [
            (
                "post_channel_message",
                "Post a message to a team chat channel, optionally in a thread.",
                {
                    "channel_id*": "str: Channel identifier",
                    "text*": "str: Message text (markdown)",
                    "thread_ts": "str: Parent message to reply under",
                },
                {
                    "message_ts": "str: Message identifier",
                    "channel_id": "str: Channel",
                    "permalink": "uri: Link to the message",
                },
            ),
            (
                "list_channel_history",
                "Read recent messages of a chat channel.",
                {
                    "channel_id*": "str: Channel identifier",
                    "limit": "int[1,200]=50: Maximum messages",
                    "oldest": "datetime: Only messages after this time",
                },
                {
                    "messages": [
                        {
                            "message_ts": "str: Message identifier",
                            "user": "str: Author",
                            "text": "str: Text",
                            "reply_count": "int[0,]: Replies in thread",
                        }
                    ],
                    "has_more": "bool: More pages",
                },
            ),
        ],
        "SMS": [
            (
                "send_sms",
                "Send a text message to a phone number.",
                {
                    "to*": "str: Recipient phone number in E.164, e.g. +14155550123",
                    "body*": "str: Message text (up to 1600 characters)",
                    "sender_id": "str: Sender number or alphanumeric ID",
                },
                {
                    "message_sid": "str: Message identifier",
                    "status": "str{queued|sent|delivered|failed}: Delivery status",
                    "segments": "int[1,]: SMS segments billed",
                    "price": "num[0,]: Cost",
                },
            ),
            (
                "get_sms_delivery_report",
                "Get the delivery status of a sent text message.",
                {"message_sid*": "str: Message identifier"},
                {
                    "message_sid": "str: Message identifier",
                    "status": "str{queued|sent|delivered|undelivered|failed}: Status",
                    "error_code?": "int: Carrier error code",
                    "delivered_at?": "datetime: Delivery time",
                },
            ),
        ],
        "Video Conferencing": [
            (
                "schedule_video_meeting",
                "Schedule a video meeting and invite participants.",
                {
                    "topic*": "str: Meeting title",
                    "start_time*": "datetime: Start",
                    "duration_minutes": "int[15,480]=30: Length",
                    "invitees": "email[]: Participants to invite",
                    "waiting_room": "bool=true: Enable the waiting room",
                },
                {
                    "meeting_id": "str: Meeting identifier",
                    "join_url": "uri: Join link",
                    "passcode": "str: Meeting passcode",
                    "start_time": "datetime: Start",
                },
            ),
            (
                "get_meeting_recording",
                "Get the cloud recording and transcript links of a past meeting.",
                {"meeting_id*": "str: Meeting identifier"},
                {
                    "meeting_id": "str: Meeting identifier",
                    "recordings": [
                        {
                            "file_type": "str{mp4|m4a|transcript|chat}: File type",
                            "download_url": "uri: Download link",
                            "size_mb": "num[0,]: Size",
                        }
                    ],
                    "duration_minutes": "int[0,]: Recorded length",
                },
            ),
        ],
        "Contacts": [
            (
                "create_contact",
                "Add a contact to the address book.",
                {
                    "first_name*": "str: Given name",
                    "last_name": "str: Family name",
                    "email": "email: Email address",
                    "phone": "str: Phone number",
                    "company": "str: Organisation",
                    "labels": "str[]: Groups or labels",
                },
                {
                    "contact_id": "str: Contact identifier",
                    "display_name": "str: Full name",
                    "created_at": "datetime: Creation time",
                },
            ),
            (
                "find_contacts",
                "Find contacts by name, email or phone fragment.",
                {
                    "query*": "str: Name, email or phone fragment",
                    "limit": "int[1,50]=10: Maximum contacts",
                },
                {
                    "contacts": [
                        {
                            "contact_id": "str: Contact identifier",
                            "display_name": "str: Full name",
                            "email?": "email: Email",
                            "phone?": "str: Phone",
                        }
                    ]
                },
            ),
        ],
    },
    "Social Media": {
        "Posting": [
            (
                "publish_post",
                "Publish a post with optional media to a social profile, "
                "now or at a scheduled time.",
                {
                    "profile_id*": "str: Social profile identifier",
                    "text*": "str: Post text",
                    "media_urls": "uri[]: Images or videos to attach",
                    "scheduled_at": "datetime: Publish later at this time",
                    "visibility": "str{public|followers|private}=public: Audience",
                },
                {
                    "post_id": "str: Post identifier",
                    "status": "str{published|scheduled}: Status",
                    "url?": "uri: Post link",
                    "published_at?": "datetime: Publish time",
                },
            ),
            (
                "delete_post",
                "Delete a published or scheduled post.",
                {"post_id*": "str: Post identifier"},
                {"post_id": "str: Post identifier", "deleted": "bool: Whether it was deleted"},
            ),
        ],
        "Analytics": [
            (
                "get_post_engagement",
                "Get engagement metrics of one post.",
                {"post_id*": "str: Post identifier"},
                {
                    "post_id": "str: Post identifier",
                    "impressions": "int[0,]: Times shown",
                    "likes": "int[0,]: Likes",
                    "comments": "int[0,]: Comments",
                    "shares": "int[0,]: Shares",
                    "engagement_rate": "num[0,1]: Engagements per impression",
                },
            ),
            (
                "get_audience_demographics",
                "Get the age, gender and location breakdown of a profile's audience.",
                {
                    "profile_id*": "str: Profile identifier",
                    "period": "str{7d|30d|90d}=30d: Reporting window",
                },
                {
                    "profile_id": "str: Profile identifier",
                    "age_groups": [
                        {
                            "range": "str: Age range, e.g. 25-34",
                            "share": "num[0,1]: Share of audience",
                        }
                    ],
                    "top_countries": [{"country": "str: Country code", "share": "num[0,1]: Share"}],
                    "gender_split": {
                        "female": "num[0,1]: Share",
                        "male": "num[0,1]: Share",
                        "other": "num[0,1]: Share",
                    },
                },
            ),
        ],
        "Followers": [
            (
                "list_followers",
                "List accounts following a profile.",
                {
                    "profile_id*": "str: Profile identifier",
                    "cursor": "str: Pagination cursor",
                    "limit": "int[1,200]=50: Page size",
                },
                {
                    "followers": [
                        {
                            "user_id": "str: Follower identifier",
                            "handle": "str: Handle",
                            "followed_at": "datetime: When they followed",
                            "verified": "bool: Verified",
                        }
                    ],
                    "next_cursor?": "str: Cursor for the next page",
                },
            ),
            (
                "follow_account",
                "Follow another account from a profile.",
                {"profile_id*": "str: Acting profile", "target_handle*": "str: Handle to follow"},
                {
                    "following": "bool: Whether now following",
                    "pending_approval": "bool: Request awaits approval (private account)",
                },
            ),
        ],
        "Content Moderation": [
            (
                "classify_content_safety",
                "Classify text for policy violations such as hate, harassment, spam or self-harm.",
                {
                    "text*": "str: Content to classify",
                    "language": "str: ISO 639-1 code; auto-detected when omitted",
                },
                {
                    "flagged": "bool: Whether any category exceeds its threshold",
                    "categories": [
                        {
                            "category": (
                                "str{hate|harassment|spam|self_harm|sexual|violence}: "
                                "Policy category"
                            ),
                            "score": "num[0,1]: Probability",
                        }
                    ],
                },
            ),
            (
                "take_moderation_action",
                "Apply a moderation action to a post or user.",
                {
                    "target_id*": "str: Post or user identifier",
                    "target_type*": "str{post|comment|user}: Target kind",
                    "action*": "str{remove|hide|warn|suspend|ban|restore}: Action",
                    "reason*": "str: Policy reason shown in the audit log",
                    "duration_days": "int[1,365]: Suspension length",
                },
                {
                    "action_id": "str: Action identifier",
                    "status": "str{applied|queued_for_review}: Status",
                    "appealable": "bool: Whether it can be appealed",
                },
            ),
        ],
    },
    "Maps and Navigation": {
        "Geocoding": [
            (
                "geocode_address",
                "Convert a street address into coordinates.",
                {
                    "address*": "str: Free-form address",
                    "country": "str: ISO country code to bias results",
                },
                {
                    "results": [
                        {
                            "formatted_address": "str: Normalised address",
                            "latitude": "num[-90,90]: Latitude",
                            "longitude": "num[-180,180]: Longitude",
                            "confidence": "num[0,1]: Match confidence",
                            "place_id": "str: Place identifier",
                        }
                    ]
                },
            ),
            (
                "reverse_geocode",
                "Find the address at a latitude and longitude.",
                {
                    "latitude*": "num[-90,90]: Latitude",
                    "longitude*": "num[-180,180]: Longitude",
                    "language": "str=en: Result language",
                },
                {
                    "formatted_address": "str: Address",
                    "city": "str: City",
                    "postal_code?": "str: Postal code",
                    "country_code": "str: ISO country code",
                },
            ),
        ],
        "Routing": [
            (
                "get_directions",
                "Compute a route between an origin and a destination with turn-by-turn steps.",
                {
                    "origin*": "str: Start address or 'lat,lon'",
                    "destination*": "str: End address or 'lat,lon'",
                    "mode": "str{driving|walking|cycling|transit}=driving: Travel mode",
                    "avoid": "str{tolls|highways|ferries}[]: Features to avoid",
                    "departure_time": "datetime: Departure for traffic-aware routing",
                },
                {
                    "distance_km": "num[0,]: Route length",
                    "duration_minutes": "num[0,]: Travel time",
                    "steps": [
                        {"instruction": "str: Manoeuvre", "distance_m": "num[0,]: Step length"}
                    ],
                    "polyline": "str: Encoded route geometry",
                },
            ),
            (
                "compute_distance_matrix",
                "Compute travel times and distances between several origins and destinations.",
                {
                    "origins*": "str[]: Origin addresses or coordinates",
                    "destinations*": "str[]: Destination addresses or coordinates",
                    "mode": "str{driving|walking|cycling}=driving: Travel mode",
                },
                {
                    "rows": [
                        {
                            "origin": "str: Origin",
                            "elements": [
                                {
                                    "destination": "str: Destination",
                                    "distance_km": "num[0,]: Distance",
                                    "duration_minutes": "num[0,]: Time",
                                }
                            ],
                        }
                    ]
                },
            ),
        ],
        "Places Search": [
            (
                "search_nearby_places",
                "Search points of interest near a location by type or keyword.",
                {
                    "latitude*": "num[-90,90]: Latitude",
                    "longitude*": "num[-180,180]: Longitude",
                    "radius_m": "int[50,50000]=1000: Search radius",
                    "place_type": (
                        "str{restaurant|cafe|pharmacy|gas_station|atm|hospital|museum|park}: "
                        "Place type"
                    ),
                    "keyword": "str: Free-text filter",
                    "open_now": "bool=false: Only open places",
                },
                {
                    "places": [
                        {
                            "place_id": "str: Place identifier",
                            "name": "str: Name",
                            "address": "str: Address",
                            "rating?": "num[0,5]: Rating",
                            "distance_m": "num[0,]: Distance",
                        }
                    ]
                },
            ),
            (
                "get_place_details",
                "Get opening hours, contact details and reviews of a place.",
                {"place_id*": "str: Place identifier"},
                {
                    "place_id": "str: Place identifier",
                    "name": "str: Name",
                    "phone?": "str: Phone",
                    "website?": "uri: Website",
                    "opening_hours": "str[]: Opening hours per weekday",
                    "reviews": [
                        {
                            "author": "str: Reviewer",
                            "rating": "int[1,5]: Stars",
                            "text": "str: Review text",
                        }
                    ],
                },
            ),
        ],
        "Traffic": [
            (
                "get_traffic_incidents",
                "List traffic incidents such as accidents and closures in an area.",
                {
                    "bbox*": "str: Bounding box 'min_lat,min_lon,max_lat,max_lon'",
                    "types": "str{accident|congestion|construction|closure}[]: Incident types",
                },
                {
                    "incidents": [
                        {
                            "incident_id": "str: Incident identifier",
                            "type": "str: Incident type",
                            "description": "str: Details",
                            "road": "str: Road name",
                            "delay_minutes": "int[0,]: Expected delay",
                            "started_at": "datetime: Start",
                        }
                    ]
                },
            ),
            (
                "get_road_travel_time",
                "Get the current and free-flow travel time on a road segment.",
                {"segment_id*": "str: Road segment identifier"},
                {
                    "segment_id": "str: Segment identifier",
                    "current_speed_kph": "num[0,]: Current speed",
                    "free_flow_speed_kph": "num[0,]: Free-flow speed",
                    "current_travel_time_s": "int[0,]: Current time",
                    "congestion_level": "str{free|light|heavy|standstill}: Congestion",
                },
            ),
        ],
    },
    "Entertainment": {
        "Movies": [
            (
                "search_movies",
                "Search movies by title, genre or release year.",
                {
                    "query": "str: Title keywords",
                    "genre": "str{action|comedy|drama|horror|sci_fi|animation|documentary}: Genre",
                    "year": "int[1900,2030]: Release year",
                },
                {
                    "movies": [
                        {
                            "movie_id": "str: Movie identifier",
                            "title": "str: Title",
                            "year": "int: Release year",
                            "rating": "num[0,10]: Average rating",
                            "runtime_minutes": "int[1,]: Runtime",
                        }
                    ]
                },
            ),
            (
                "get_showtimes",
                "Get cinema showtimes for a movie near a location on a date.",
                {
                    "movie_id*": "str: Movie identifier",
                    "location*": "str: City or ZIP code",
                    "date*": "date: Day",
                },
                {
                    "cinemas": [
                        {
                            "cinema_id": "str: Cinema identifier",
                            "name": "str: Cinema name",
                            "showtimes": "str[]: Start times HH:MM",
                            "format": "str{2D|3D|IMAX}: Projection format",
                        }
                    ]
                },
            ),
        ],
        "Music Streaming": [
            (
                "search_tracks",
                "Search the music catalog for tracks by title or artist.",
                {"query*": "str: Title or artist", "limit": "int[1,50]=10: Maximum tracks"},
                {
                    "tracks": [
                        {
                            "track_id": "str: Track identifier",
                            "title": "str: Title",
                            "artist": "str: Artist",
                            "album": "str: Album",
                            "duration_ms": "int[0,]: Duration",
                        }
                    ]
                },
            ),
            (
                "create_playlist",
                "Create a playlist for a user and optionally add tracks.",
                {
                    "user_id*": "str: User identifier",
                    "name*": "str: Playlist name",
                    "description": "str: Playlist description",
                    "public": "bool=false: Public playlist",
                    "track_ids": "str[]: Tracks to add",
                },
                {
                    "playlist_id": "str: Playlist identifier",
                    "name": "str: Name",
                    "track_count": "int[0,]: Tracks",
                    "url": "uri: Share link",
                },
            ),
            (
                "start_playback",
                "Start or resume playback of a track or playlist on a device.",
                {
                    "device_id*": "str: Playback device",
                    "context_uri": "str: Playlist or album URI",
                    "track_id": "str: Single track to play",
                    "shuffle": "bool=false: Shuffle",
                },
                {
                    "is_playing": "bool: Playback state",
                    "device_id": "str: Device",
                    "now_playing": "str: Track title",
                },
            ),
        ],
        "Event Tickets": [
            (
                "search_events",
                "Search concerts, sports and theatre events by city and date.",
                {
                    "city*": "str: City",
                    "category": "str{concert|sports|theatre|comedy|festival}: Event category",
                    "start_date": "date: From date",
                    "end_date": "date: To date",
                    "keyword": "str: Artist, team or show",
                },
                {
                    "events": [
                        {
                            "event_id": "str: Event identifier",
                            "name": "str: Event name",
                            "venue": "str: Venue",
                            "starts_at": "datetime: Start",
                            "min_price": "num[0,]: Cheapest ticket",
                        }
                    ]
                },
            ),
            (
                "purchase_tickets",
                "Buy tickets for an event.",
                {
                    "event_id*": "str: Event identifier",
                    "quantity*": "int[1,10]: Tickets",
                    "section": "str: Seating section",
                    "buyer_email*": "email: Where tickets are sent",
                },
                {
                    "order_id": "str: Ticket order identifier",
                    "seats": "str[]: Seat labels",
                    "total_price": "num[0,]: Amount charged",
                    "delivery": "str{mobile|email|will_call}: Delivery method",
                },
            ),
        ],
        "Podcasts": [
            (
                "search_podcasts",
                "Search podcasts by keyword or category.",
                {
                    "query*": "str: Search keywords",
                    "category": (
                        "str{news|comedy|technology|true_crime|business|health|education}: Category"
                    ),
                    "language": "str=en: Language",
                },
                {
                    "podcasts": [
                        {
                            "podcast_id": "str: Podcast identifier",
                            "title": "str: Title",
                            "publisher": "str: Publisher",
                            "episode_count": "int[0,]: Episodes",
                            "feed_url": "uri: RSS feed",
                        }
                    ]
                },
            ),
            (
                "list_podcast_episodes",
                "List the latest episodes of a podcast.",
                {
                    "podcast_id*": "str: Podcast identifier",
                    "limit": "int[1,100]=10: Maximum episodes",
                },
                {
                    "podcast_id": "str: Podcast identifier",
                    "episodes": [
                        {
                            "episode_id": "str: Episode identifier",
                            "title": "str: Title",
                            "published_at": "datetime: Release",
                            "duration_seconds": "int[0,]: Length",
                            "audio_url": "uri: Audio file",
                        }
                    ],
                },
            ),
        ],
        "Video Games": [
            (
                "get_game_info",
                "Get details of a video game: platforms, release date, genres and review score.",
                {"title*": "str: Game title"},
                {
                    "game_id": "str: Game identifier",
                    "title": "str: Title",
                    "platforms": "str[]: Platforms",
                    "release_date": "date: Release date",
                    "genres": "str[]: Genres",
                    "metascore?": "int[0,100]: Critic score",
                },
            ),
            (
                "check_game_deals",
                "Find current discounts on a game across digital stores.",
                {
                    "game_id*": "str: Game identifier",
                    "platform": "str{pc|playstation|xbox|switch}: Platform",
                },
                {
                    "deals": [
                        {
                            "store": "str: Store",
                            "price": "num[0,]: Sale price",
                            "regular_price": "num[0,]: Regular price",
                            "discount_percent": "int[0,100]: Discount",
                            "ends_at?": "datetime: Sale end",
                        }
                    ]
                },
            ),
        ],
    },
}
