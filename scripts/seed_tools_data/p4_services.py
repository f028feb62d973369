"""Seed catalogue, part 4: Marketing, Customer Support, Gaming, Art and Design, Translation and
Language, Environment, Telecommunications, Nonprofit, Manufacturing, Hardware and Compute."""

CATALOGUE = {
    "Marketing": {
        "Email Campaigns": [
            (
                "create_email_campaign",
                "Create an email campaign for an audience list from HTML content.",
                {
                    "list_id*": "str: Audience list identifier",
                    "subject*": "str: Subject line",
                    "from_name*": "str: Sender name",
                    "html_content*": "str: Email body (HTML)",
                    "preview_text": "str: Inbox preview text",
                    "send_at": "datetime: Scheduled send time; draft when omitted",
                },
                {
                    "campaign_id": "str: Campaign identifier",
                    "status": "str{draft|scheduled}: Status",
                    "recipient_count": "int[0,]: Recipients",
                },
            ),
            (
                "get_campaign_report",
                "Get delivery, open and click statistics of a sent campaign.",
                {"campaign_id*": "str: Campaign identifier"},
                {
                    "campaign_id": "str: Campaign identifier",
                    "sent": "int[0,]: Emails sent",
                    "open_rate": "num[0,1]: Unique open rate",
                    "click_rate": "num[0,1]: Unique click rate",
                    "bounces": "int[0,]: Bounces",
                    "unsubscribes": "int[0,]: Unsubscribes",
                    "top_links": [{"url": "uri: Link", "clicks": "int[0,]: Clicks"}],
                },
            ),
        ],
        "SEO": [
            (
                "get_keyword_metrics",
                "Get search volume, difficulty and cost-per-click for keywords.",
                {"keywords*": "str[]: Keywords", "country": "str{US|GB|DE|FR|ES|IN}=US: Market"},
                {
                    "keywords": [
                        {
                            "keyword": "str: Keyword",
                            "monthly_volume": "int[0,]: Monthly searches",
                            "difficulty": "int[0,100]: Ranking difficulty",
                            "cpc": "num[0,]: Average cost per click",
                            "intent": (
                                "str{informational|navigational|commercial|transactional}: "
                                "Search intent"
                            ),
                        }
                    ]
                },
            ),
            (
                "audit_page_seo",
                "Audit a web page for on-page SEO issues.",
                {"url*": "uri: Page URL", "device": "str{desktop|mobile}=mobile: Rendering device"},
                {
                    "url": "uri: Page URL",
                    "score": "int[0,100]: Overall SEO score",
                    "issues": [
                        {
                            "code": "str: Issue code, e.g. missing_meta_description",
                            "severity": "str{low|medium|high}: Severity",
                            "detail": "str: Explanation",
                        }
                    ],
                    "load_time_ms": "int[0,]: Page load time",
                },
            ),
            (
                "get_serp_rankings",
                "Get the ranking position of a domain for keywords in search results.",
                {
                    "domain*": "str: Domain, e.g. example.com",
                    "keywords*": "str[]: Keywords to check",
                    "search_engine": "str{google|bing}=google: Search engine",
                },
                {
                    "domain": "str: Domain",
                    "rankings": [
                        {
                            "keyword": "str: Keyword",
                            "position?": "int[1,100]: Rank (absent when not in top 100)",
                            "url?": "uri: Ranking page",
                        }
                    ],
                },
            ),
        ],
        "Advertising": [
            (
                "create_ad_campaign",
                "Create a paid advertising campaign with budget and targeting.",
                {
                    "account_id*": "str: Ad account",
                    "name*": "str: Campaign name",
                    "objective*": "str{awareness|traffic|leads|sales|app_installs}: Objective",
                    "daily_budget*": "num[1,]: Daily budget",
                    "start_date*": "date: Start",
                    "end_date": "date: End",
                    "locations": "str[]: Country codes to target",
                    "age_min": "int[13,65]: Minimum age",
                    "age_max": "int[13,65]: Maximum age",
                },
                {
                    "campaign_id": "str: Ad campaign identifier",
                    "status": "str{active|paused|in_review}: Status",
                    "estimated_daily_reach": {
                        "low": "int[0,]: Lower bound",
                        "high": "int[0,]: Upper bound",
                    },
                },
            ),
            (
                "get_ad_performance",
                "Get spend, impressions, clicks and conversions of ad campaigns.",
                {
                    "account_id*": "str: Ad account",
                    "campaign_ids": "str[]: Campaigns; all when omitted",
                    "start_date*": "date: Start",
                    "end_date*": "date: End",
                    "breakdown": "str{day|campaign|device|country}=campaign: Row grouping",
                },
                {
                    "rows": [
                        {
                            "key": "str: Group value",
                            "spend": "num[0,]: Spend",
                            "impressions": "int[0,]: Impressions",
                            "clicks": "int[0,]: Clicks",
                            "conversions": "int[0,]: Conversions",
                            "cpa?": "num[0,]: Cost per acquisition",
                        }
                    ],
                    "currency": "str: Currency",
                },
            ),
        ],
        "Customer Segmentation": [
            (
                "create_customer_segment",
                "Define a customer segment from attribute and behaviour rules.",
                {
                    "name*": "str: Segment name",
                    "rules*": [
                        {
                            "_": "Membership rules",
                            "attribute*": "str: Attribute, e.g. total_spend",
                            "operator*": "str{eq|neq|gt|lt|contains|in_last_days}: Operator",
                            "value*": "str: Comparison value",
                        }
                    ],
                    "match": "str{all|any}=all: Combine rules with AND or OR",
                },
                {
                    "segment_id": "str: Segment identifier",
                    "estimated_size": "int[0,]: Matching customers",
                    "created_at": "datetime: Creation time",
                },
            ),
            (
                "run_rfm_analysis",
                "Score customers by recency, frequency and monetary value and group them.",
                {
                    "start_date*": "date: Start of the purchase window",
                    "end_date*": "date: End of the window",
                    "groups": "int[3,10]=5: Number of score bands",
                },
                {
                    "segments": [
                        {
                            "label": (
                                "str{champions|loyal|potential|at_risk|hibernating|lost}: "
                                "RFM segment"
                            ),
                            "customers": "int[0,]: Customers",
                            "avg_order_value": "num[0,]: Average order value",
                        }
                    ],
                    "customers_scored": "int[0,]: Customers analysed",
                },
            ),
        ],
    },
    "Customer Support": {
        "Ticketing": [
            (
                "create_support_ticket",
                "Open a support ticket on behalf of a customer.",
                {
                    "requester_email*": "email: Customer email",
                    "subject*": "str: Subject",
                    "description*": "str: Problem description",
                    "priority": "str{low|normal|high|urgent}=normal: Priority",
                    "channel": "str{email|web|phone|chat}=web: Source channel",
                    "tags": "str[]: Tags",
                },
                {
                    "ticket_id": "str: Ticket identifier",
                    "status": "str{new|open}: Status",
                    "sla_due_at": "datetime: First-response deadline",
                },
            ),
            (
                "update_ticket",
                "Change a ticket's status, assignee or priority and optionally add a reply.",
                {
                    "ticket_id*": "str: Ticket identifier",
                    "status": "str{open|pending|on_hold|solved|closed}: New status",
                    "assignee_id": "str: Agent identifier",
                    "priority": "str{low|normal|high|urgent}: Priority",
                    "public_reply": "str: Message sent to the customer",
                    "internal_note": "str: Private note",
                },
                {
                    "ticket_id": "str: Ticket identifier",
                    "status": "str: Status",
                    "updated_at": "datetime: Update time",
                },
            ),
            (
                "list_open_tickets",
                "List unresolved tickets for a queue ordered by SLA urgency.",
                {
                    "group": "str: Support group or queue",
                    "assignee_id": "str: Agent",
                    "limit": "int[1,100]=25: Maximum tickets",
                },
                {
                    "tickets": [
                        {
                            "ticket_id": "str: Ticket identifier",
                            "subject": "str: Subject",
                            "priority": "str: Priority",
                            "status": "str: Status",
                            "sla_due_at": "datetime: Deadline",
                        }
                    ]
                },
            ),
        ],
        "Knowledge Base": [
            (
                "search_help_articles",
                "Search help-center articles for a customer question.",
                {
                    "query*": "str: Customer question",
                    "locale": "str=en-us: Help-center locale",
                    "limit": "int[1,20]=5: Articles",
                },
                {
                    "articles": [
                        {
                            "article_id": "str: Article identifier",
                            "title": "str: Title",
                            "url": "uri: Article link",
                            "snippet": "str: Excerpt",
                            "score": "num[0,1]: Relevance",
                        }
                    ]
                },
            ),
            (
                "publish_help_article",
                "Create or update a help-center article.",
                {
                    "section_id*": "str: Help-center section",
                    "title*": "str: Title",
                    "body*": "str: Article body (HTML)",
                    "draft": "bool=false: Save without publishing",
                    "labels": "str[]: Search labels",
                },
                {
                    "article_id": "str: Article identifier",
                    "url": "uri: Article link",
                    "published": "bool: Whether it is live",
                },
            ),
        ],
        "Live Chat": [
            (
                "start_chat_session",
                "Start a live chat between a website visitor and the next available agent.",
                {
                    "visitor_name": "str: Visitor name",
                    "visitor_email": "email: Visitor email",
                    "department*": "str{sales|support|billing}: Department",
                    "first_message*": "str: Opening message",
                },
                {
                    "chat_id": "str: Chat identifier",
                    "queue_position": "int[0,]: Position in queue (0 when connected)",
                    "estimated_wait_s": "int[0,]: Wait estimate",
                },
            ),
            (
                "send_chat_message",
                "Send a message in an ongoing live chat.",
                {
                    "chat_id*": "str: Chat identifier",
                    "sender*": "str{agent|visitor|bot}: Who sends",
                    "text*": "str: Message",
                },
                {
                    "message_id": "str: Message identifier",
                    "chat_id": "str: Chat",
                    "sent_at": "datetime: Time",
                },
            ),
            (
                "get_chat_transcript",
                "Get the full transcript of a chat.",
                {"chat_id*": "str: Chat identifier"},
                {
                    "chat_id": "str: Chat identifier",
                    "messages": [
                        {
                            "sender": "str{agent|visitor|bot}: Sender",
                            "text": "str: Text",
                            "sent_at": "datetime: Time",
                        }
                    ],
                    "duration_s": "int[0,]: Chat length",
                    "satisfaction?": "str{good|bad}: Visitor rating",
                },
            ),
        ],
        "Surveys": [
            (
                "create_survey",
                "Create a customer feedback survey with questions.",
                {
                    "title*": "str: Survey title",
                    "questions*": [
                        {
                            "_": "Survey questions in order",
                            "text*": "str: Question",
                            "type*": "str{nps|rating|multiple_choice|free_text}: Question type",
                            "options": "str[]: Choices for multiple choice",
                        }
                    ],
                    "anonymous": "bool=false: Do not record respondent identity",
                },
                {
                    "survey_id": "str: Survey identifier",
                    "share_url": "uri: Public survey link",
                    "question_count": "int[1,]: Questions",
                },
            ),
            (
                "get_survey_results",
                "Get aggregated results of a survey, including NPS.",
                {"survey_id*": "str: Survey identifier", "since": "date: Responses since"},
                {
                    "survey_id": "str: Survey identifier",
                    "responses": "int[0,]: Responses",
                    "nps?": "int[-100,100]: Net promoter score",
                    "questions": [
                        {
                            "text": "str: Question",
                            "average?": "num: Mean rating",
                            "top_answers": "str[]: Most common answers",
                        }
                    ],
                },
            ),
        ],
    },
    "Gaming": {
        "Leaderboards": [
            (
                "submit_score",
                "Submit a player's score to a leaderboard.",
                {
                    "leaderboard_id*": "str: Leaderboard identifier",
                    "player_id*": "str: Player identifier",
                    "score*": "int: Score",
                    "metadata": "str: Free-form run details",
                },
                {
                    "rank": "int[1,]: Player's rank after submission",
                    "personal_best": "bool: New personal best",
                    "previous_best?": "int: Previous best score",
                },
            ),
            (
                "get_leaderboard",
                "Get the top entries of a leaderboard for a time span.",
                {
                    "leaderboard_id*": "str: Leaderboard identifier",
                    "span": "str{daily|weekly|all_time}=all_time: Time span",
                    "limit": "int[1,100]=10: Entries",
                    "around_player_id": "str: Centre on this player instead of the top",
                },
                {
                    "leaderboard_id": "str: Leaderboard identifier",
                    "entries": [
                        {
                            "rank": "int[1,]: Rank",
                            "player_id": "str: Player",
                            "display_name": "str: Name",
                            "score": "int: Score",
                        }
                    ],
                },
            ),
        ],
        "Matchmaking": [
            (
                "join_matchmaking_queue",
                "Put a player or party into a matchmaking queue.",
                {
                    "player_ids*": "str[]: Players in the party",
                    "game_mode*": "str{ranked_solo|ranked_team|casual|battle_royale}: Mode",
                    "region*": "str{na|eu|asia|oce|sa}: Region",
                    "skill_rating": "int[0,5000]: Party rating override",
                },
                {
                    "ticket_id": "str: Matchmaking ticket identifier",
                    "estimated_wait_s": "int[0,]: Expected wait",
                    "status": "str{searching}: Status",
                },
            ),
            (
                "get_match_assignment",
                "Poll a matchmaking ticket for its match and server assignment.",
                {"ticket_id*": "str: Matchmaking ticket identifier"},
                {
                    "ticket_id": "str: Ticket",
                    "status": "str{searching|matched|cancelled|timed_out}: Status",
                    "match_id?": "str: Match identifier",
                    "server_address?": "str: host:port",
                    "teams?": [{"team": "int[1,]: Team number", "player_ids": "str[]: Players"}],
                },
            ),
        ],
        "In-Game Store": [
            (
                "list_store_offers",
                "List items currently offered in the in-game store for a player.",
                {
                    "player_id*": "str: Player identifier",
                    "category": "str{skins|currency|bundles|boosts|battle_pass}: Category",
                },
                {
                    "offers": [
                        {
                            "offer_id": "str: Offer identifier",
                            "name": "str: Item name",
                            "price": "int[0,]: Price in premium currency",
                            "currency": "str{gems|coins|usd}: Currency",
                            "expires_at?": "datetime: Offer end",
                            "owned": "bool: Player already owns it",
                        }
                    ]
                },
            ),
            (
                "purchase_store_item",
                "Buy a store offer with in-game currency.",
                {
                    "player_id*": "str: Player identifier",
                    "offer_id*": "str: Offer identifier",
                    "quantity": "int[1,99]=1: Quantity",
                },
                {
                    "transaction_id": "str: Purchase identifier",
                    "success": "bool: Purchase completed",
                    "remaining_balance": "int[0,]: Currency left",
                    "granted_items": "str[]: Items added to inventory",
                },
            ),
        ],
        "Player Profiles": [
            (
                "get_player_profile",
                "Get a player's public profile: level, rank and recent matches.",
                {
                    "player_id*": "str: Player identifier",
                    "include_matches": "int[0,20]=5: Recent matches to include",
                },
                {
                    "player_id": "str: Player",
                    "display_name": "str: Name",
                    "level": "int[1,]: Account level",
                    "rank": "str: Competitive rank",
                    "recent_matches": [
                        {
                            "match_id": "str: Match",
                            "result": "str{win|loss|draw}: Result",
                            "kills?": "int[0,]: Kills",
                            "played_at": "datetime: Time",
                        }
                    ],
                },
            ),
            (
                "update_player_profile",
                "Update a player's display name, avatar or privacy settings.",
                {
                    "player_id*": "str: Player identifier",
                    "display_name": "str: New display name",
                    "avatar_id": "str: Avatar",
                    "profile_visibility": "str{public|friends|private}: Visibility",
                },
                {
                    "player_id": "str: Player",
                    "display_name": "str: Name",
                    "name_change_available_at?": "datetime: Next allowed rename",
                },
            ),
        ],
    },
    "Art and Design": {
        "Image Generation": [
            (
                "generate_image",
                "Generate images from a text prompt.",
                {
                    "prompt*": "str: Description of the image",
                    "negative_prompt": "str: What to avoid",
                    "width": "int{512|768|1024|1536}=1024: Width px",
                    "height": "int{512|768|1024|1536}=1024: Height px",
                    "style": "str{photo|illustration|3d|anime|watercolor|pixel_art}: Style preset",
                    "num_images": "int[1,4]=1: Images",
                    "seed": "int[0,]: Random seed",
                },
                {
                    "images": [
                        {
                            "image_id": "str: Image identifier",
                            "url": "uri: Image URL",
                            "seed": "int[0,]: Seed used",
                        }
                    ],
                    "safety_filtered": "int[0,]: Images withheld by the safety filter",
                },
            ),
            (
                "upscale_image",
                "Upscale an image by 2x or 4x.",
                {
                    "image_url*": "uri: Source image",
                    "factor": "int{2|4}=2: Scale factor",
                    "denoise": "num[0,1]=0.3: Denoising strength",
                },
                {
                    "image_id": "str: Upscaled image identifier",
                    "url": "uri: Result URL",
                    "width": "int[1,]: Width px",
                    "height": "int[1,]: Height px",
                },
            ),
        ],
        "Color Palettes": [
            (
                "generate_color_palette",
                "Generate a harmonious colour palette from a base colour.",
                {
                    "base_hex*": "str: Base colour as #RRGGBB",
                    "scheme": (
                        "str{analogous|complementary|triadic|monochromatic|"
                        "split_complementary}=analogous: Harmony"
                    ),
                    "count": "int[2,10]=5: Colours",
                },
                {
                    "colors": [
                        {
                            "hex": "str: #RRGGBB",
                            "name": "str: Colour name",
                            "rgb": "int[0,255][]: [r, g, b]",
                        }
                    ]
                },
            ),
            (
                "check_color_contrast",
                "Check the WCAG contrast ratio between text and background colours.",
                {
                    "foreground_hex*": "str: Text colour #RRGGBB",
                    "background_hex*": "str: Background colour #RRGGBB",
                },
                {
                    "contrast_ratio": "num[1,21]: Contrast ratio",
                    "aa_normal": "bool: Passes AA for normal text",
                    "aa_large": "bool: Passes AA for large text",
                    "aaa_normal": "bool: Passes AAA",
                },
            ),
        ],
        "Fonts": [
            (
                "search_fonts",
                "Search a font library by category and style.",
                {
                    "query": "str: Font name",
                    "category": "str{serif|sans_serif|display|handwriting|monospace}: Category",
                    "subsets": "str[]: Character subsets, e.g. latin, cyrillic",
                    "variable_only": "bool=false: Variable fonts only",
                },
                {
                    "fonts": [
                        {
                            "family": "str: Family",
                            "category": "str: Category",
                            "weights": "int[100,900][]: Available weights",
                            "license": "str: License",
                        }
                    ]
                },
            ),
            (
                "pair_fonts",
                "Suggest body fonts that pair well with a heading font.",
                {
                    "heading_family*": "str: Heading font family",
                    "mood": "str{modern|classic|playful|technical|elegant}: Design mood",
                },
                {
                    "heading_family": "str: Heading font",
                    "pairings": [
                        {
                            "body_family": "str: Body font",
                            "score": "num[0,1]: Pairing score",
                            "rationale": "str: Why it works",
                        }
                    ],
                },
            ),
        ],
        "Stock Photos": [
            (
                "search_stock_photos",
                "Search stock photos by keyword, orientation and colour.",
                {
                    "query*": "str: Keywords",
                    "orientation": "str{landscape|portrait|square}: Orientation",
                    "color": "str: Dominant colour",
                    "per_page": "int[1,80]=15: Results",
                },
                {
                    "photos": [
                        {
                            "photo_id": "str: Photo identifier",
                            "photographer": "str: Photographer",
                            "width": "int[1,]: Width",
                            "height": "int[1,]: Height",
                            "preview_url": "uri: Preview",
                            "license": "str{free|standard|extended}: License",
                        }
                    ],
                    "total_results": "int[0,]: Matches",
                },
            ),
            (
                "license_stock_photo",
                "License a stock photo and get a full-resolution download link.",
                {
                    "photo_id*": "str: Photo identifier",
                    "license*": "str{standard|extended}: License type",
                    "size": "str{small|medium|large|original}=original: Resolution",
                },
                {
                    "license_id": "str: License identifier",
                    "download_url": "uri: Download link",
                    "price": "num[0,]: Price paid",
                    "expires_at": "datetime: Link expiry",
                },
            ),
        ],
    },
    "Translation and Language": {
        "Translation": [
            (
                "translate_text",
                "Translate text between languages.",
                {
                    "text*": "str: Text to translate",
                    "target_language*": "str: Target language (ISO 639-1)",
                    "source_language": "str: Source language; detected when omitted",
                    "formality": "str{default|formal|informal}=default: Tone",
                },
                {
                    "translated_text": "str: Translation",
                    "detected_source_language": "str: Source language",
                    "characters_billed": "int[0,]: Characters",
                },
            ),
            (
                "detect_language",
                "Detect the language of a text.",
                {"text*": "str: Text"},
                {
                    "language": "str: ISO 639-1 code",
                    "confidence": "num[0,1]: Confidence",
                    "alternatives": [
                        {"language": "str: Code", "confidence": "num[0,1]: Confidence"}
                    ],
                },
            ),
            (
                "translate_document",
                "Translate an uploaded document, keeping its formatting.",
                {
                    "document_url*": "uri: Document (docx, pdf, pptx)",
                    "target_language*": "str: Target language",
                    "glossary_id": "str: Glossary of fixed terms",
                },
                {
                    "job_id": "str: Translation job identifier",
                    "status": "str{queued|translating|done}: Status",
                    "result_url?": "uri: Translated document",
                },
            ),
        ],
        "Dictionary": [
            (
                "define_word",
                "Get definitions, part of speech, pronunciation and examples of a word.",
                {"word*": "str: Word", "language": "str=en: Dictionary language"},
                {
                    "word": "str: Headword",
                    "phonetic?": "str: IPA pronunciation",
                    "meanings": [
                        {
                            "part_of_speech": (
                                "str{noun|verb|adjective|adverb|pronoun|preposition|conjunction|"
                                "interjection}: Part of speech"
                            ),
                            "definition": "str: Definition",
                            "example?": "str: Example sentence",
                        }
                    ],
                },
            ),
            (
                "find_synonyms",
                "Find synonyms and antonyms of a word.",
                {
                    "word*": "str: Word",
                    "part_of_speech": (
                        "str{noun|verb|adjective|adverb}: Restrict to a part of speech"
                    ),
                    "max_results": "int[1,50]=10: Maximum words",
                },
                {"word": "str: Word", "synonyms": "str[]: Synonyms", "antonyms": "str[]: Antonyms"},
            ),
        ],
        "Grammar Checking": [
            (
                "check_grammar",
                "Check text for grammar, spelling and style issues with suggested fixes.",
                {
                    "text*": "str: Text to check",
                    "language": "str=en-US: Language variant",
                    "level": "str{default|picky}=default: Strictness",
                },
                {
                    "issues": [
                        {
                            "offset": "int[0,]: Character offset",
                            "length": "int[1,]: Span length",
                            "message": "str: Explanation",
                            "category": "str{grammar|spelling|punctuation|style}: Category",
                            "replacements": "str[]: Suggestions",
                        }
                    ],
                    "issue_count": "int[0,]: Issues found",
                },
            ),
            (
                "rewrite_text",
                "Rewrite text in a different tone or reading level.",
                {
                    "text*": "str: Text",
                    "tone*": "str{formal|casual|concise|friendly|persuasive}: Target tone",
                    "max_words": "int[10,2000]: Word limit",
                },
                {
                    "rewritten": "str: Rewritten text",
                    "readability_grade": "num[0,20]: Flesch-Kincaid grade",
                },
            ),
        ],
        "Speech to Text": [
            (
                "transcribe_audio",
                "Transcribe an audio file to text with timestamps.",
                {
                    "audio_url*": "uri: Audio file (wav, mp3, m4a)",
                    "language": "str: Spoken language; detected when omitted",
                    "diarize": "bool=false: Label speakers",
                    "word_timestamps": "bool=false: Per-word timing",
                },
                {
                    "transcript_id": "str: Transcript identifier",
                    "text": "str: Full transcript",
                    "language": "str: Language",
                    "duration_s": "num[0,]: Audio length",
                    "segments": [
                        {
                            "start_s": "num[0,]: Start",
                            "end_s": "num[0,]: End",
                            "speaker?": "str: Speaker label",
                            "text": "str: Segment text",
                        }
                    ],
                },
            ),
            (
                "synthesize_speech",
                "Convert text to natural-sounding speech audio.",
                {
                    "text*": "str: Text to speak",
                    "voice": "str{alloy|echo|nova|shimmer|onyx}=alloy: Voice",
                    "format": "str{mp3|wav|ogg}=mp3: Audio format",
                    "speed": "num[0.5,2]=1: Speaking rate",
                },
                {
                    "audio_url": "uri: Generated audio",
                    "duration_s": "num[0,]: Length",
                    "characters": "int[0,]: Characters synthesised",
                },
            ),
        ],
    },
    "Environment": {
        "Carbon Footprint": [
            (
                "calculate_flight_emissions",
                "Calculate CO2 emissions of a flight itinerary per passenger.",
                {
                    "legs*": [
                        {
                            "_": "Flight legs",
                            "origin*": "str: IATA code",
                            "destination*": "str: IATA code",
                        }
                    ],
                    "cabin": "str{economy|premium_economy|business|first}=economy: Cabin",
                    "passengers": "int[1,500]=1: Passengers",
                },
                {
                    "co2e_kg": "num[0,]: Total CO2-equivalent",
                    "distance_km": "num[0,]: Great-circle distance",
                    "per_passenger_kg": "num[0,]: Per passenger",
                },
            ),
            (
                "estimate_household_footprint",
                "Estimate a household's annual carbon footprint from energy, travel and diet.",
                {
                    "electricity_kwh_per_year*": "num[0,]: Electricity use",
                    "gas_kwh_per_year": "num[0,]: Gas use",
                    "car_km_per_year": "num[0,]: Driving",
                    "diet": "str{vegan|vegetarian|average|high_meat}=average: Diet",
                    "household_size": "int[1,12]=1: People",
                },
                {
                    "total_tonnes_co2e": "num[0,]: Annual footprint",
                    "breakdown": [
                        {
                            "category": "str{home_energy|transport|food|goods}: Category",
                            "tonnes": "num[0,]: Emissions",
                        }
                    ],
                    "per_person_tonnes": "num[0,]: Per person",
                },
            ),
        ],
        "Recycling": [
            (
                "lookup_recycling_rules",
                "Look up how to dispose of an item in a municipality.",
                {"item*": "str: Item, e.g. pizza box", "zip_code*": "str: ZIP code"},
                {
                    "item": "str: Item",
                    "disposal": (
                        "str{recycling|compost|trash|drop_off|hazardous_waste}: Where it goes"
                    ),
                    "instructions": "str: Preparation, e.g. remove food residue",
                    "drop_off_locations?": [{"name": "str: Facility", "address": "str: Address"}],
                },
            ),
            (
                "get_collection_schedule",
                "Get upcoming trash, recycling and compost collection days for an address.",
                {"address*": "str: Street address"},
                {
                    "address": "str: Address",
                    "pickups": [
                        {
                            "date": "date: Collection day",
                            "streams": "str{trash|recycling|compost|bulk}[]: Streams collected",
                        }
                    ],
                },
            ),
        ],
        "Wildlife": [
            (
                "report_wildlife_sighting",
                "Submit a wildlife sighting with location and count.",
                {
                    "species*": "str: Common or scientific name",
                    "latitude*": "num[-90,90]: Latitude",
                    "longitude*": "num[-180,180]: Longitude",
                    "observed_at*": "datetime: Observation time",
                    "count": "int[1,10000]=1: Individuals",
                    "photo_url": "uri: Photo",
                },
                {
                    "observation_id": "str: Sighting identifier",
                    "taxon_id": "str: Matched taxon",
                    "needs_verification": "bool: Awaiting expert review",
                },
            ),
            (
                "get_species_info",
                "Get conservation status, habitat and range of a species.",
                {"species*": "str: Common or scientific name"},
                {
                    "taxon_id": "str: Taxon identifier",
                    "scientific_name": "str: Scientific name",
                    "common_name": "str: Common name",
                    "iucn_status": "str{LC|NT|VU|EN|CR|EW|EX|DD}: IUCN Red List category",
                    "population_trend": "str{increasing|stable|decreasing|unknown}: Trend",
                    "habitats": "str[]: Habitats",
                },
            ),
        ],
        "Water Quality": [
            (
                "get_water_quality",
                "Get the latest water quality measurements at a monitoring site.",
                {
                    "site_id*": "str: Monitoring site identifier",
                    "parameters": (
                        "str{ph|dissolved_oxygen|turbidity|nitrate|e_coli|temperature}[]: "
                        "Parameters"
                    ),
                },
                {
                    "site_id": "str: Site",
                    "sampled_at": "datetime: Sample time",
                    "measurements": [
                        {
                            "parameter": "str: Parameter",
                            "value": "num: Value",
                            "unit": "str: Unit",
                            "exceeds_limit": "bool: Above guideline",
                        }
                    ],
                },
            ),
            (
                "find_beach_advisories",
                "List swimming advisories and closures at beaches.",
                {"state*": "str: State code", "active_only": "bool=true: Current advisories only"},
                {
                    "advisories": [
                        {
                            "beach": "str: Beach",
                            "type": "str{advisory|closure}: Type",
                            "reason": "str: Reason, e.g. high bacteria",
                            "issued_on": "date: Issue date",
                        }
                    ]
                },
            ),
        ],
    },
    "Telecommunications": {
        "Mobile Plans": [
            (
                "compare_mobile_plans",
                "Compare mobile phone plans by data, price and network.",
                {
                    "country*": "str: Country code",
                    "min_data_gb": (
                        "num[0,]: Minimum monthly data (GB); unlimited plans always qualify"
                    ),
                    "max_monthly_price": "num[0,]: Price cap",
                    "contract": "str{prepaid|monthly|12_months|24_months}: Contract type",
                    "include_5g": "bool: Require 5G",
                },
                {
                    "plans": [
                        {
                            "plan_id": "str: Plan identifier",
                            "carrier": "str: Carrier",
                            "name": "str: Plan name",
                            "monthly_price": "num[0,]: Monthly price",
                            "data_gb?": "num[0,]: Data (absent if unlimited)",
                            "unlimited_data": "bool: Unlimited data",
                        }
                    ]
                },
            ),
            (
                "change_mobile_plan",
                "Switch a subscriber line to a different plan.",
                {
                    "line_number*": "str: Phone number of the line",
                    "plan_id*": "str: New plan",
                    "effective": "str{immediately|next_cycle}=next_cycle: When it applies",
                },
                {
                    "order_id": "str: Plan change order identifier",
                    "effective_date": "date: Effective date",
                    "prorated_charge": "num: Prorated charge or credit",
                },
            ),
            (
                "get_data_usage",
                "Get data, minutes and SMS usage of a line in the current billing cycle.",
                {"line_number*": "str: Phone number of the line"},
                {
                    "line_number": "str: Line",
                    "cycle_end": "date: Billing cycle end",
                    "data_used_gb": "num[0,]: Data used",
                    "data_allowance_gb?": "num[0,]: Allowance",
                    "minutes_used": "int[0,]: Minutes",
                    "sms_used": "int[0,]: Texts",
                },
            ),
        ],
        "Number Lookup": [
            (
                "lookup_phone_number",
                "Look up carrier, line type and region of a phone number.",
                {
                    "phone_number*": "str: Number in E.164 format",
                    "include_caller_name": "bool=false: Include CNAM caller name",
                },
                {
                    "phone_number": "str: Number",
                    "valid": "bool: Valid number",
                    "country_code": "str: Country",
                    "carrier?": "str: Carrier",
                    "line_type": "str{mobile|landline|voip|toll_free|unknown}: Line type",
                    "caller_name?": "str: Registered name",
                },
            ),
            (
                "check_number_portability",
                "Check whether a number can be ported to a new carrier.",
                {
                    "phone_number*": "str: Number in E.164 format",
                    "target_carrier*": "str: Carrier to port to",
                },
                {
                    "portable": "bool: Can be ported",
                    "current_carrier": "str: Current carrier",
                    "estimated_days?": "int[0,]: Porting time",
                    "blockers": "str[]: Reasons it cannot be ported",
                },
            ),
        ],
        "Network Coverage": [
            (
                "check_network_coverage",
                "Check mobile network coverage and expected speeds at an address.",
                {
                    "address*": "str: Address",
                    "carrier": "str: Carrier; all when omitted",
                    "technology": "str{4g|5g|5g_mmwave}: Technology",
                },
                {
                    "address": "str: Address",
                    "results": [
                        {
                            "carrier": "str: Carrier",
                            "technology": "str: Technology",
                            "signal": "str{none|weak|fair|good|excellent}: Signal",
                            "indoor": "bool: Indoor coverage expected",
                            "typical_download_mbps": "num[0,]: Download speed",
                        }
                    ],
                },
            ),
            (
                "report_network_outage",
                "Report a network outage or poor signal at a location.",
                {
                    "latitude*": "num[-90,90]: Latitude",
                    "longitude*": "num[-180,180]: Longitude",
                    "issue*": "str{no_signal|slow_data|dropped_calls|no_sms}: Issue",
                    "line_number": "str: Affected line",
                },
                {
                    "report_id": "str: Outage report identifier",
                    "known_outage": "bool: Matches a known outage",
                    "estimated_fix?": "datetime: Expected fix",
                },
            ),
        ],
    },
    "Nonprofit": {
        "Donations": [
            (
                "record_donation",
                "Record a donation and issue a tax receipt.",
                {
                    "donor_email*": "email: Donor email",
                    "amount*": "num[1,]: Amount",
                    "currency": "str=USD: Currency",
                    "campaign_id": "str: Fundraising campaign",
                    "recurring": "str{none|monthly|annual}=none: Recurrence",
                    "anonymous": "bool=false: Hide the donor's name",
                },
                {
                    "donation_id": "str: Donation identifier",
                    "receipt_number": "str: Tax receipt number",
                    "receipt_url": "uri: Receipt PDF",
                },
            ),
            (
                "get_campaign_progress",
                "Get the amount raised toward a fundraising campaign's goal.",
                {"campaign_id*": "str: Fundraising campaign identifier"},
                {
                    "campaign_id": "str: Campaign",
                    "goal": "num[0,]: Goal",
                    "raised": "num[0,]: Raised",
                    "donor_count": "int[0,]: Donors",
                    "ends_on?": "date: End date",
                },
            ),
        ],
        "Volunteering": [
            (
                "search_volunteer_opportunities",
                "Find volunteer opportunities by cause, location and date.",
                {
                    "location*": "str: City or ZIP code",
                    "cause": "str{education|environment|health|animals|hunger|seniors}: Cause",
                    "date": "date: Day available",
                    "virtual": "bool: Remote opportunities",
                },
                {
                    "opportunities": [
                        {
                            "opportunity_id": "str: Opportunity identifier",
                            "title": "str: Title",
                            "organization": "str: Organisation",
                            "date": "date: Date",
                            "spots_left": "int[0,]: Open spots",
                        }
                    ]
                },
            ),
            (
                "register_volunteer_shift",
                "Sign a volunteer up for a shift.",
                {
                    "opportunity_id*": "str: Opportunity identifier",
                    "volunteer_name*": "str: Name",
                    "email*": "email: Email",
                    "shift_start*": "datetime: Shift start",
                },
                {
                    "registration_id": "str: Registration identifier",
                    "status": "str{confirmed|waitlisted}: Status",
                    "instructions": "str: Where and what to bring",
                },
            ),
        ],
        "Grant Search": [
            (
                "search_grants",
                "Search funding opportunities from foundations and governments.",
                {
                    "keywords*": "str: Focus area keywords",
                    "eligibility": (
                        "str{nonprofit|university|small_business|individual|government}: "
                        "Applicant type"
                    ),
                    "min_award": "num[0,]: Minimum award",
                    "deadline_after": "date: Only open after this date",
                },
                {
                    "grants": [
                        {
                            "grant_id": "str: Grant identifier",
                            "title": "str: Title",
                            "funder": "str: Funder",
                            "award_ceiling?": "num[0,]: Maximum award",
                            "deadline": "date: Application deadline",
                        }
                    ]
                },
            ),
            (
                "get_grant_details",
                "Get eligibility, requirements and contacts of a funding opportunity.",
                {"grant_id*": "str: Grant identifier"},
                {
                    "grant_id": "str: Grant",
                    "description": "str: Synopsis",
                    "eligible_applicants": "str[]: Eligible applicant types",
                    "required_documents": "str[]: Required attachments",
                    "contact_email?": "email: Program officer",
                    "url": "uri: Opportunity page",
                },
            ),
        ],
    },
    "Manufacturing": {
        "Production Scheduling": [
            (
                "create_work_order",
                "Create a production work order for a product and quantity.",
                {
                    "product_sku*": "str: Finished good SKU",
                    "quantity*": "int[1,]: Units to produce",
                    "due_date*": "date: Due date",
                    "line_id": "str: Production line",
                    "priority": "int[1,5]=3: Priority",
                },
                {
                    "work_order_id": "str: Work order identifier",
                    "status": "str{planned|released}: Status",
                    "scheduled_start": "datetime: Planned start",
                    "scheduled_end": "datetime: Planned end",
                },
            ),
            (
                "get_line_schedule",
                "Get the production schedule and utilisation of a line.",
                {"line_id*": "str: Production line", "date*": "date: Day"},
                {
                    "line_id": "str: Line",
                    "utilization": "num[0,1]: Planned utilisation",
                    "slots": [
                        {
                            "work_order_id": "str: Work order",
                            "start": "datetime: Start",
                            "end": "datetime: End",
                            "product_sku": "str: SKU",
                        }
                    ],
                },
            ),
        ],
        "Quality Control": [
            (
                "record_inspection_result",
                "Record a quality inspection of a production lot.",
                {
                    "lot_id*": "str: Lot identifier",
                    "inspector_id*": "str: Inspector",
                    "sample_size*": "int[1,]: Units inspected",
                    "defects*": "int[0,]: Defective units",
                    "defect_codes": "str[]: Defect codes found",
                },
                {
                    "inspection_id": "str: Inspection identifier",
                    "disposition": "str{accept|reject|rework}: Lot decision",
                    "defect_rate": "num[0,1]: Defect rate",
                },
            ),
            (
                "get_spc_chart",
                "Get statistical process control data and rule violations for a measured "
                "characteristic.",
                {
                    "characteristic_id*": "str: Measured characteristic",
                    "last_n": "int[10,1000]=50: Samples",
                },
                {
                    "characteristic_id": "str: Characteristic",
                    "mean": "num: Centre line",
                    "ucl": "num: Upper control limit",
                    "lcl": "num: Lower control limit",
                    "cpk": "num: Process capability",
                    "violations": [
                        {
                            "sample_index": "int[0,]: Sample",
                            "rule": "str: Western Electric rule violated",
                        }
                    ],
                },
            ),
        ],
        "Supply Chain": [
            (
                "create_purchase_order",
                "Create a purchase order to a supplier.",
                {
                    "supplier_id*": "str: Supplier identifier",
                    "lines*": [
                        {
                            "_": "Parts and quantities to order",
                            "part_number*": "str: Part",
                            "quantity*": "int[1,]: Units",
                            "unit_price": "num[0,]: Agreed price",
                        }
                    ],
                    "requested_delivery*": "date: Needed by",
                    "ship_to": "str: Receiving plant",
                },
                {
                    "po_number": "str: Purchase order number",
                    "status": "str{draft|sent}: Status",
                    "total": "num[0,]: Order value",
                },
            ),
            (
                "get_supplier_lead_times",
                "Get quoted and actual lead times and on-time rate of suppliers for a part.",
                {"part_number*": "str: Part number"},
                {
                    "part_number": "str: Part",
                    "suppliers": [
                        {
                            "supplier_id": "str: Supplier",
                            "quoted_lead_days": "int[0,]: Quoted",
                            "actual_lead_days": "num[0,]: Average actual",
                            "on_time_rate": "num[0,1]: On-time delivery rate",
                        }
                    ],
                },
            ),
        ],
        "Equipment Maintenance": [
            (
                "create_maintenance_work_order",
                "Open a maintenance work order for a machine.",
                {
                    "asset_id*": "str: Machine asset identifier",
                    "type*": "str{preventive|corrective|predictive|inspection}: Maintenance type",
                    "description*": "str: Problem or task",
                    "priority": "str{low|medium|high|emergency}=medium: Priority",
                    "downtime_required": "bool=false: Machine must stop",
                },
                {
                    "maintenance_order_id": "str: Maintenance order identifier",
                    "assigned_technician?": "str: Technician",
                    "due_date": "date: Due date",
                },
            ),
            (
                "get_asset_health",
                "Get condition monitoring and predicted failure risk of a machine.",
                {"asset_id*": "str: Machine asset identifier"},
                {
                    "asset_id": "str: Asset",
                    "health_score": "int[0,100]: Health",
                    "failure_probability_30d": "num[0,1]: Failure risk in 30 days",
                    "sensors": [
                        {
                            "name": "str{vibration|temperature|current|pressure}: Sensor",
                            "value": "num: Reading",
                            "status": "str{normal|warning|alarm}: Status",
                        }
                    ],
                    "last_service_date": "date: Last service",
                },
            ),
        ],
    },
    "Hardware and Compute": {
        "GPU Kernels": [
            (
                "validate_cuda_kernel",
                "Compile a CUDA kernel, check its output against a PyTorch reference "
                "implementation and time it.",
                {
                    "reference_code*": "str: Reference PyTorch module source",
                    "kernel_code*": "str: Candidate CUDA kernel source (with its PyTorch binding)",
                },
                {
                    "compiled": "bool: Whether the kernel compiled",
                    "correct": "bool: Whether outputs match the reference within tolerance",
                    "runtime_ms": "num[0,]: Mean kernel runtime",
                    "error": "str: Compiler or runtime error, empty on success",
                },
            ),
            (
                "profile_gpu_kernel",
                "Profile a compiled kernel launch and report occupancy, "
                "memory throughput and bottleneck.",
                {
                    "kernel_code*": "str: CUDA kernel source",
                    "gpu_model": "str{A100|H100|L4|RTX4090}=H100: GPU to profile on",
                    "grid_dim*": "int[1,][]: Grid dimensions [x, y, z]",
                    "block_dim*": "int[1,1024][]: Block dimensions [x, y, z]",
                },
                {
                    "achieved_occupancy": "num[0,1]: Achieved occupancy",
                    "dram_throughput_gbps": "num[0,]: DRAM throughput",
                    "sm_efficiency": "num[0,1]: SM busy fraction",
                    "registers_per_thread": "int[0,255]: Registers",
                    "bottleneck": "str{memory|compute|latency|launch}: Main limiter",
                },
            ),
        ],
        "Benchmarking": [
            (
                "run_benchmark",
                "Run a standard benchmark suite on a machine.",
                {
                    "machine_id*": "str: Machine identifier",
                    "suite*": (
                        "str{mlperf_inference|spec_cpu|geekbench|stream|fio}: Benchmark suite"
                    ),
                    "iterations": "int[1,20]=3: Repetitions",
                },
                {
                    "run_id": "str: Benchmark run identifier",
                    "status": "str{queued|running}: Status",
                    "estimated_minutes": "int[0,]: Expected duration",
                },
            ),
            (
                "get_benchmark_results",
                "Get scores of a benchmark run with variance across iterations.",
                {"run_id*": "str: Benchmark run identifier"},
                {
                    "run_id": "str: Run",
                    "suite": "str: Suite",
                    "status": "str{running|completed|failed}: Status",
                    "results": [
                        {
                            "metric": "str: Metric, e.g. throughput",
                            "value": "num: Mean",
                            "unit": "str: Unit",
                            "stddev": "num[0,]: Standard deviation",
                        }
                    ],
                },
            ),
        ],
        "Device Inventory": [
            (
                "list_compute_devices",
                "List accelerators and servers in the inventory with their status.",
                {
                    "site": "str: Data-centre site",
                    "device_type": "str{gpu|cpu_server|tpu|fpga}: Device type",
                    "status": "str{available|allocated|maintenance|failed}: Status",
                },
                {
                    "devices": [
                        {
                            "device_id": "str: Device identifier",
                            "model": "str: Model, e.g. H100 SXM",
                            "host": "str: Host name",
                            "memory_gb": "int[0,]: Memory",
                            "status": "str: Status",
                            "firmware_version?": "str: Firmware",
                        }
                    ],
                    "total": "int[0,]: Devices",
                },
            ),
            (
                "allocate_device",
                "Reserve a device for a user or job for a time window.",
                {
                    "device_id*": "str: Device identifier",
                    "owner*": "str: User or job",
                    "start*": "datetime: Reservation start",
                    "end*": "datetime: Reservation end",
                },
                {
                    "allocation_id": "str: Allocation identifier",
                    "device_id": "str: Device",
                    "status": "str{reserved|conflict}: Result",
                },
            ),
        ],
    },
}
