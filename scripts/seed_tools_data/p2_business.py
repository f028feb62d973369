"""Seed catalogue, part 2: Food and Dining, Real Estate, Software Development, Cloud Infrastructure,
Data and Analytics, Search and Retrieval, Productivity, Human Resources, Legal, Insurance."""

CATALOGUE = {
    "Food and Dining": {
        "Recipes": [
            (
                "search_recipes",
                "Search recipes by ingredients, cuisine and dietary restrictions.",
                {
                    "query": "str: Dish name or keywords",
                    "ingredients": "str[]: Ingredients that must be used",
                    "cuisine": (
                        "str{italian|mexican|indian|chinese|japanese|french|thai|mediterranean}: "
                        "Cuisine"
                    ),
                    "diet": (
                        "str{vegetarian|vegan|gluten_free|keto|dairy_free}: Dietary restriction"
                    ),
                    "max_prep_minutes": "int[5,300]: Maximum total time",
                },
                {
                    "recipes": [
                        {
                            "recipe_id": "str: Recipe identifier",
                            "title": "str: Recipe name",
                            "total_minutes": "int[0,]: Prep plus cook time",
                            "servings": "int[1,]: Servings",
                            "missing_ingredients": (
                                "str[]: Required ingredients not in the given list"
                            ),
                        }
                    ]
                },
            ),
            (
                "get_recipe_instructions",
                "Get the ingredient list and step-by-step instructions of a recipe, "
                "scaled to a number of servings.",
                {
                    "recipe_id*": "str: Recipe identifier",
                    "servings": "int[1,50]: Scale to this many servings",
                },
                {
                    "recipe_id": "str: Recipe identifier",
                    "title": "str: Recipe name",
                    "ingredients": [
                        {
                            "name": "str: Ingredient",
                            "quantity": "num[0,]: Amount",
                            "unit": "str: Unit, e.g. g or cup",
                        }
                    ],
                    "steps": "str[]: Ordered instructions",
                },
            ),
        ],
        "Restaurant Reservations": [
            (
                "find_restaurant_availability",
                "Find restaurants with a free table for a party size at a date and time.",
                {
                    "city*": "str: City",
                    "date*": "date: Reservation date",
                    "time*": "str: Preferred time HH:MM",
                    "party_size*": "int[1,20]: Number of diners",
                    "cuisine": "str: Cuisine filter",
                    "price_level": "int[1,4]: Price level from 1 (cheap) to 4 (fine dining)",
                },
                {
                    "restaurants": [
                        {
                            "restaurant_id": "str: Restaurant identifier",
                            "name": "str: Name",
                            "available_times": "str[]: Free slots HH:MM",
                            "rating": "num[0,5]: Rating",
                        }
                    ]
                },
            ),
            (
                "book_restaurant_table",
                "Reserve a table at a restaurant.",
                {
                    "restaurant_id*": "str: Restaurant identifier",
                    "date*": "date: Date",
                    "time*": "str: Time HH:MM",
                    "party_size*": "int[1,20]: Diners",
                    "guest_name*": "str: Name on the reservation",
                    "phone*": "str: Contact phone",
                    "notes": "str: Allergies or occasion",
                },
                {
                    "reservation_id": "str: Reservation identifier",
                    "status": "str{confirmed|waitlisted}: Status",
                    "table_hold_minutes": "int[0,]: Minutes the table is held after the time",
                },
            ),
            (
                "cancel_restaurant_booking",
                "Cancel a restaurant reservation.",
                {"reservation_id*": "str: Reservation identifier"},
                {
                    "reservation_id": "str: Reservation identifier",
                    "cancelled": "bool: Whether it was cancelled",
                    "penalty_fee": "num[0,]: No-show or late fee",
                },
            ),
        ],
        "Food Delivery": [
            (
                "place_delivery_order",
                "Order food for delivery from a restaurant menu.",
                {
                    "restaurant_id*": "str: Restaurant identifier",
                    "items*": [
                        {
                            "_": "Dishes to order",
                            "menu_item_id*": "str: Menu item",
                            "quantity*": "int[1,20]: Portions",
                            "instructions": "str: Special instructions",
                        }
                    ],
                    "delivery_address*": "str: Delivery address",
                    "tip": "num[0,]: Courier tip",
                },
                {
                    "order_id": "str: Delivery order identifier",
                    "eta_minutes": "int[0,]: Estimated minutes to arrival",
                    "total": "num[0,]: Amount charged",
                    "status": "str{received|preparing}: Status",
                },
            ),
            (
                "track_delivery_courier",
                "Track the courier of a food delivery order in real time.",
                {"order_id*": "str: Delivery order identifier"},
                {
                    "order_id": "str: Delivery order identifier",
                    "status": "str{preparing|picked_up|en_route|delivered}: Status",
                    "courier_name?": "str: Courier",
                    "courier_location?": {
                        "latitude": "num[-90,90]: Latitude",
                        "longitude": "num[-180,180]: Longitude",
                    },
                    "eta_minutes": "int[0,]: Minutes remaining",
                },
            ),
        ],
        "Nutrition": [
            (
                "analyze_meal_nutrition",
                "Estimate calories and macronutrients of a meal described in natural language.",
                {
                    "meal_description*": (
                        "str: Foods and portions, e.g. '2 eggs and a slice of toast'"
                    )
                },
                {
                    "calories": "num[0,]: Total kcal",
                    "protein_g": "num[0,]: Protein",
                    "carbs_g": "num[0,]: Carbohydrates",
                    "fat_g": "num[0,]: Fat",
                    "items": [
                        {
                            "food": "str: Recognised food",
                            "grams": "num[0,]: Portion weight",
                            "calories": "num[0,]: kcal",
                        }
                    ],
                },
            ),
            (
                "log_food_intake",
                "Add a food entry to a user's daily food diary.",
                {
                    "user_id*": "str: User identifier",
                    "food*": "str: Food name",
                    "grams*": "num[1,5000]: Portion weight",
                    "meal*": "str{breakfast|lunch|dinner|snack}: Meal",
                    "date": "date: Day; today when omitted",
                },
                {
                    "entry_id": "str: Diary entry identifier",
                    "calories": "num[0,]: kcal for the entry",
                    "daily_total_calories": "num[0,]: Running total for the day",
                },
            ),
        ],
    },
    "Real Estate": {
        "Property Listings": [
            (
                "search_property_listings",
                "Search homes for sale or rent by location, price and size.",
                {
                    "location*": "str: City, neighbourhood or ZIP code",
                    "listing_type*": "str{sale|rent}: Sale or rental",
                    "min_price": "num[0,]: Minimum price",
                    "max_price": "num[0,]: Maximum price",
                    "min_bedrooms": "int[0,10]: Minimum bedrooms",
                    "property_type": "str{house|apartment|condo|townhouse|land}: Property type",
                },
                {
                    "listings": [
                        {
                            "listing_id": "str: Listing identifier",
                            "address": "str: Address",
                            "price": "num[0,]: Asking price or monthly rent",
                            "bedrooms": "int[0,]: Bedrooms",
                            "bathrooms": "num[0,]: Bathrooms",
                            "area_sqft": "int[0,]: Living area",
                            "listed_on": "date: Listing date",
                        }
                    ],
                    "total": "int[0,]: Matches",
                },
            ),
            (
                "schedule_property_viewing",
                "Request a viewing appointment for a listing.",
                {
                    "listing_id*": "str: Listing identifier",
                    "preferred_time*": "datetime: Preferred viewing time",
                    "name*": "str: Visitor name",
                    "email*": "email: Visitor email",
                },
                {
                    "viewing_id": "str: Viewing identifier",
                    "status": "str{requested|confirmed}: Status",
                    "agent_name": "str: Listing agent",
                    "agent_phone": "str: Agent phone",
                },
            ),
        ],
        "Mortgage Calculation": [
            (
                "calculate_mortgage_payment",
                "Calculate the monthly payment and total interest of a fixed-rate mortgage.",
                {
                    "loan_amount*": "num[1000,]: Principal",
                    "annual_rate_percent*": "num[0,25]: Annual interest rate",
                    "term_years*": "int{10|15|20|25|30}: Loan term",
                    "property_tax_annual": "num[0,]: Yearly property tax to include",
                    "insurance_annual": "num[0,]: Yearly home insurance to include",
                },
                {
                    "monthly_principal_interest": "num[0,]: Principal and interest per month",
                    "monthly_total": "num[0,]: Payment including tax and insurance",
                    "total_interest": "num[0,]: Interest over the term",
                    "payoff_date": "date: Final payment date",
                },
            ),
            (
                "get_mortgage_rates",
                "Get today's average mortgage rates by loan product.",
                {
                    "zip_code": "str: Location for local rates",
                    "credit_score": "int[300,850]: Borrower credit score",
                    "loan_type": "str{conventional|fha|va|jumbo}=conventional: Loan program",
                },
                {
                    "as_of": "date: Rate date",
                    "rates": [
                        {
                            "product": "str{30_year_fixed|15_year_fixed|5_1_arm|7_1_arm}: Product",
                            "rate_percent": "num[0,]: Interest rate",
                            "apr_percent": "num[0,]: APR",
                            "points": "num[0,]: Discount points",
                        }
                    ],
                },
            ),
        ],
        "Rental Management": [
            (
                "record_rent_payment",
                "Record a tenant's rent payment against a lease.",
                {
                    "lease_id*": "str: Lease identifier",
                    "amount*": "num[0.01,]: Amount paid",
                    "paid_on*": "date: Payment date",
                    "method": "str{bank_transfer|card|check|cash}: Payment method",
                },
                {
                    "payment_id": "str: Payment identifier",
                    "balance_due": "num: Remaining balance on the lease",
                    "late_fee_applied": "bool: Whether a late fee was added",
                },
            ),
            (
                "create_maintenance_request",
                "Open a maintenance request for a rental unit.",
                {
                    "unit_id*": "str: Rental unit identifier",
                    "category*": (
                        "str{plumbing|electrical|appliance|heating|pest|other}: Issue type"
                    ),
                    "description*": "str: Problem description",
                    "urgency": "str{low|normal|emergency}=normal: Urgency",
                    "permission_to_enter": "bool=false: Tenant allows entry when absent",
                },
                {
                    "request_id": "str: Maintenance request identifier",
                    "status": "str{open|assigned}: Status",
                    "assigned_vendor?": "str: Contractor",
                    "scheduled_for?": "datetime: Visit time",
                },
            ),
            (
                "list_lease_expirations",
                "List leases in a portfolio expiring within a number of days.",
                {
                    "portfolio_id*": "str: Portfolio identifier",
                    "within_days": "int[1,365]=60: Look-ahead window",
                },
                {
                    "leases": [
                        {
                            "lease_id": "str: Lease identifier",
                            "unit": "str: Unit label",
                            "tenant_name": "str: Tenant",
                            "end_date": "date: Lease end",
                            "monthly_rent": "num[0,]: Rent",
                        }
                    ]
                },
            ),
        ],
        "Home Valuation": [
            (
                "estimate_home_value",
                "Estimate the market value of a home from its address and features.",
                {
                    "address*": "str: Property address",
                    "bedrooms": "int[0,20]: Bedrooms",
                    "bathrooms": "num[0,20]: Bathrooms",
                    "area_sqft": "int[100,50000]: Living area",
                    "year_built": "int[1800,2030]: Year built",
                },
                {
                    "estimated_value": "num[0,]: Point estimate",
                    "value_range": {"low": "num[0,]: Lower bound", "high": "num[0,]: Upper bound"},
                    "confidence": "str{low|medium|high}: Confidence",
                    "price_per_sqft": "num[0,]: Estimated price per square foot",
                },
            ),
            (
                "get_comparable_sales",
                "List recent sales of comparable homes near a property.",
                {
                    "address*": "str: Subject property address",
                    "radius_km": "num[0.1,20]=1: Search radius",
                    "months": "int[1,24]=6: Look-back period",
                },
                {
                    "comparables": [
                        {
                            "address": "str: Address",
                            "sold_price": "num[0,]: Sale price",
                            "sold_on": "date: Sale date",
                            "area_sqft": "int[0,]: Area",
                            "distance_km": "num[0,]: Distance",
                        }
                    ]
                },
            ),
        ],
    },
    "Software Development": {
        "Version Control": [
            (
                "create_pull_request",
                "Open a pull request from a branch into a base branch.",
                {
                    "repo*": "str: Repository as owner/name",
                    "head*": "str: Source branch",
                    "base*": "str: Target branch, e.g. main",
                    "title*": "str: Title",
                    "body": "str: Description (markdown)",
                    "draft": "bool=false: Open as draft",
                    "reviewers": "str[]: Usernames to request reviews from",
                },
                {
                    "pr_number": "int[1,]: Pull request number",
                    "url": "uri: Pull request page",
                    "state": "str{open|draft}: State",
                    "mergeable?": "bool: Whether it merges cleanly",
                },
            ),
            (
                "list_commits",
                "List commits of a branch, newest first, optionally touching a path.",
                {
                    "repo*": "str: Repository as owner/name",
                    "branch": "str=main: Branch",
                    "path": "str: Only commits touching this file path",
                    "since": "datetime: Only after this time",
                    "per_page": "int[1,100]=30: Page size",
                },
                {
                    "commits": [
                        {
                            "sha": "str: Commit hash",
                            "author": "str: Author name",
                            "message": "str: Commit message",
                            "committed_at": "datetime: Commit time",
                        }
                    ]
                },
            ),
            (
                "merge_pull_request",
                "Merge an approved pull request.",
                {
                    "repo*": "str: Repository as owner/name",
                    "pr_number*": "int[1,]: Pull request number",
                    "merge_method": "str{merge|squash|rebase}=merge: Strategy",
                    "delete_branch": "bool=true: Delete the head branch afterwards",
                },
                {
                    "merged": "bool: Whether it merged",
                    "sha?": "str: Merge commit hash",
                    "message": "str: Result message",
                },
            ),
        ],
        "Continuous Integration": [
            (
                "trigger_pipeline",
                "Trigger a CI pipeline run for a branch or commit.",
                {
                    "project_id*": "str: CI project identifier",
                    "ref*": "str: Branch, tag or commit SHA",
                    "variables": {"_": "Pipeline variables", "+": "str: Variable value"},
                },
                {
                    "pipeline_id": "str: Pipeline run identifier",
                    "status": "str{created|pending|running}: Status",
                    "web_url": "uri: Run page",
                },
            ),
            (
                "get_pipeline_status",
                "Get the status and job results of a CI pipeline run.",
                {"pipeline_id*": "str: Pipeline run identifier"},
                {
                    "pipeline_id": "str: Pipeline run identifier",
                    "status": "str{pending|running|success|failed|canceled}: Overall status",
                    "duration_s?": "int[0,]: Duration",
                    "jobs": [
                        {
                            "name": "str: Job name",
                            "stage": "str: Stage",
                            "status": "str{pending|running|success|failed|skipped}: Job status",
                        }
                    ],
                },
            ),
            (
                "get_job_log",
                "Fetch the log output of one CI job, optionally only the tail.",
                {
                    "pipeline_id*": "str: Pipeline run identifier",
                    "job_name*": "str: Job name",
                    "tail_lines": "int[1,10000]=200: Number of final lines",
                },
                {
                    "job_name": "str: Job name",
                    "log": "str: Log text",
                    "truncated": "bool: Whether earlier lines were dropped",
                },
            ),
        ],
        "Issue Tracking": [
            (
                "create_issue",
                "Create an issue in a project tracker.",
                {
                    "project_key*": "str: Project key, e.g. WEB",
                    "title*": "str: Summary",
                    "description": "str: Details (markdown)",
                    "type": "str{bug|feature|task|epic}=task: Issue type",
                    "priority": "str{lowest|low|medium|high|highest}=medium: Priority",
                    "assignee": "str: Username of the assignee",
                    "labels": "str[]: Labels",
                },
                {
                    "issue_key": "str: Issue key, e.g. WEB-123",
                    "url": "uri: Issue page",
                    "status": "str: Initial workflow status",
                    "created_at": "datetime: Creation time",
                },
            ),
            (
                "transition_issue",
                "Move an issue to another workflow status, optionally with a comment.",
                {
                    "issue_key*": "str: Issue key",
                    "status*": "str{todo|in_progress|in_review|done|wont_do}: Target status",
                    "comment": "str: Comment to add",
                },
                {
                    "issue_key": "str: Issue key",
                    "status": "str: New status",
                    "updated_at": "datetime: Update time",
                },
            ),
            (
                "search_issues",
                "Search issues with filters on status, assignee and text.",
                {
                    "project_key": "str: Project key",
                    "text": "str: Full-text query",
                    "status": "str{todo|in_progress|in_review|done}: Status filter",
                    "assignee": "str: Assignee username",
                    "max_results": "int[1,100]=25: Maximum issues",
                },
                {
                    "issues": [
                        {
                            "issue_key": "str: Issue key",
                            "title": "str: Summary",
                            "status": "str: Status",
                            "priority": "str: Priority",
                            "assignee?": "str: Assignee",
                        }
                    ],
                    "total": "int[0,]: Matches",
                },
            ),
        ],
        "Package Registry": [
            (
                "get_package_info",
                "Get metadata of a package from a language registry: latest version, "
                "license and downloads.",
                {
                    "ecosystem*": "str{npm|pypi|crates|maven|rubygems|nuget}: Registry",
                    "package*": "str: Package name",
                },
                {
                    "package": "str: Package name",
                    "latest_version": "str: Latest release",
                    "license": "str: SPDX license",
                    "description": "str: Summary",
                    "weekly_downloads": "int[0,]: Downloads last week",
                    "repository_url?": "uri: Source repository",
                },
            ),
            (
                "list_package_vulnerabilities",
                "List known security advisories affecting a package version.",
                {
                    "ecosystem*": "str{npm|pypi|crates|maven|rubygems|nuget}: Registry",
                    "package*": "str: Package name",
                    "version*": "str: Installed version",
                },
                {
                    "vulnerabilities": [
                        {
                            "advisory_id": "str: Advisory (GHSA or CVE) identifier",
                            "severity": "str{low|moderate|high|critical}: Severity",
                            "summary": "str: Summary",
                            "fixed_in?": "str: First fixed version",
                        }
                    ]
                },
            ),
        ],
        "Code Search": [
            (
                "search_code",
                "Search source code across repositories for a string or regex.",
                {
                    "query*": "str: Literal text or regular expression",
                    "language": (
                        "str{python|javascript|typescript|go|rust|java|cpp}: Language filter"
                    ),
                    "repo": "str: Restrict to owner/name",
                    "regex": "bool=false: Treat the query as a regex",
                    "limit": "int[1,100]=20: Maximum matches",
                },
                {
                    "matches": [
                        {
                            "repo": "str: Repository",
                            "path": "str: File path",
                            "line": "int[1,]: Line number",
                            "snippet": "str: Matching line",
                        }
                    ],
                    "total": "int[0,]: Total matches",
                },
            ),
            (
                "find_symbol_references",
                "Find the definition and references of a function or class symbol in a repository.",
                {
                    "repo*": "str: Repository as owner/name",
                    "symbol*": "str: Symbol name, e.g. parse_config",
                    "kind": "str{function|class|method|variable}: Symbol kind",
                },
                {
                    "definition?": {"path": "str: File path", "line": "int[1,]: Line"},
                    "references": [
                        {
                            "path": "str: File path",
                            "line": "int[1,]: Line",
                            "context": "str: Source line",
                        }
                    ],
                },
            ),
        ],
    },
    "Cloud Infrastructure": {
        "Virtual Machines": [
            (
                "launch_instance",
                "Launch a virtual machine instance from an image.",
                {
                    "region*": (
                        "str{us-east-1|us-west-2|eu-west-1|eu-central-1|ap-northeast-1}: Region"
                    ),
                    "instance_type*": "str: Machine type, e.g. m5.large",
                    "image_id*": "str: Machine image",
                    "name": "str: Instance name tag",
                    "ssh_key_name": "str: Key pair",
                    "disk_gb": "int[8,16384]=30: Boot disk size",
                },
                {
                    "instance_id": "str: Instance identifier",
                    "state": "str{pending|running}: State",
                    "private_ip": "str: Private IPv4",
                    "launched_at": "datetime: Launch time",
                },
            ),
            (
                "stop_instance",
                "Stop a running virtual machine instance.",
                {
                    "instance_id*": "str: Instance identifier",
                    "force": "bool=false: Force stop without graceful shutdown",
                },
                {
                    "instance_id": "str: Instance identifier",
                    "previous_state": "str: State before",
                    "current_state": "str{stopping|stopped}: State now",
                },
            ),
            (
                "list_instances",
                "List virtual machines in a region with their state.",
                {
                    "region*": "str: Region",
                    "state": "str{pending|running|stopped|terminated}: State filter",
                    "tag": "str: Tag filter as key=value",
                },
                {
                    "instances": [
                        {
                            "instance_id": "str: Instance identifier",
                            "name?": "str: Name tag",
                            "instance_type": "str: Type",
                            "state": "str: State",
                            "public_ip?": "str: Public IPv4",
                        }
                    ]
                },
            ),
        ],
        "Object Storage": [
            (
                "list_bucket_objects",
                "List objects in a storage bucket under a prefix.",
                {
                    "bucket*": "str: Bucket name",
                    "prefix": "str: Key prefix",
                    "max_keys": "int[1,1000]=100: Maximum objects",
                    "continuation_token": "str: Token for the next page",
                },
                {
                    "objects": [
                        {
                            "key": "str: Object key",
                            "size_bytes": "int[0,]: Size",
                            "last_modified": "datetime: Last modification",
                            "storage_class": "str{standard|infrequent|archive}: Storage class",
                        }
                    ],
                    "next_continuation_token?": "str: Token for the next page",
                },
            ),
            (
                "create_presigned_url",
                "Create a time-limited URL to download or upload an object.",
                {
                    "bucket*": "str: Bucket name",
                    "key*": "str: Object key",
                    "method": "str{GET|PUT}=GET: Allowed HTTP method",
                    "expires_in_s": "int[60,604800]=3600: Lifetime",
                },
                {"url": "uri: Presigned URL", "expires_at": "datetime: Expiry"},
            ),
            (
                "delete_object",
                "Delete an object (or one version of it) from a bucket.",
                {
                    "bucket*": "str: Bucket name",
                    "key*": "str: Object key",
                    "version_id": "str: Specific version to delete",
                },
                {
                    "deleted": "bool: Whether it was deleted",
                    "delete_marker": "bool: Whether a delete marker was created",
                },
            ),
        ],
        "DNS": [
            (
                "list_dns_records",
                "List DNS records of a hosted zone.",
                {
                    "zone*": "str: Domain, e.g. example.com",
                    "record_type": "str{A|AAAA|CNAME|MX|TXT|NS|SRV}: Type filter",
                },
                {
                    "zone": "str: Domain",
                    "records": [
                        {
                            "record_id": "str: Record identifier",
                            "name": "str: Host name",
                            "type": "str: Record type",
                            "value": "str: Record data",
                            "ttl": "int[0,]: TTL seconds",
                        }
                    ],
                },
            ),
            (
                "upsert_dns_record",
                "Create or update a DNS record in a zone.",
                {
                    "zone*": "str: Domain",
                    "name*": "str: Host name, e.g. www",
                    "type*": "str{A|AAAA|CNAME|MX|TXT}: Record type",
                    "value*": "str: Record data",
                    "ttl": "int[60,86400]=300: TTL seconds",
                },
                {
                    "record_id": "str: Record identifier",
                    "change_status": "str{pending|insync}: Propagation status",
                    "fqdn": "str: Fully qualified name",
                },
            ),
        ],
        "Monitoring": [
            (
                "query_metric",
                "Query a time series metric with aggregation over a time range.",
                {
                    "metric*": "str: Metric name, e.g. cpu.utilization",
                    "resource_id": "str: Resource to filter on",
                    "start*": "datetime: Range start",
                    "end*": "datetime: Range end",
                    "aggregation": "str{avg|max|min|sum|p95}=avg: Aggregation",
                    "step_s": "int[10,86400]=60: Resolution",
                },
                {
                    "metric": "str: Metric name",
                    "unit": "str: Unit",
                    "points": [{"timestamp": "datetime: Time", "value": "num: Value"}],
                },
            ),
            (
                "create_alert_rule",
                "Create an alert that fires when a metric crosses a threshold.",
                {
                    "name*": "str: Rule name",
                    "metric*": "str: Metric name",
                    "comparison*": "str{gt|gte|lt|lte}: Comparison",
                    "threshold*": "num: Threshold",
                    "duration_s": "int[0,86400]=300: How long the condition must hold",
                    "notify_channel": (
                        "str: Notification channel, e.g. pagerduty or an email address"
                    ),
                },
                {
                    "rule_id": "str: Alert rule identifier",
                    "enabled": "bool: Whether it is active",
                    "created_at": "datetime: Creation time",
                },
            ),
            (
                "list_firing_alerts",
                "List alerts currently firing, optionally by severity.",
                {"severity": "str{info|warning|critical}: Minimum severity"},
                {
                    "alerts": [
                        {
                            "alert_id": "str: Alert identifier",
                            "rule_id": "str: Rule that fired",
                            "severity": "str: Severity",
                            "started_at": "datetime: Start",
                            "summary": "str: Summary",
                        }
                    ]
                },
            ),
        ],
    },
    "Data and Analytics": {
        "SQL Queries": [
            (
                "run_sql_query",
                "Run a read-only SQL query against a warehouse and return the rows.",
                {
                    "sql*": "str: SELECT statement",
                    "database": "str: Database or schema",
                    "max_rows": "int[1,10000]=1000: Row limit",
                    "timeout_s": "int[1,600]=60: Query timeout",
                },
                {
                    "columns": [{"name": "str: Column name", "type": "str: SQL type"}],
                    "rows": "str[]: Rows, each as a JSON-encoded array",
                    "row_count": "int[0,]: Rows returned",
                    "truncated": "bool: Whether max_rows cut the result",
                    "elapsed_ms": "int[0,]: Execution time",
                },
            ),
            (
                "describe_table",
                "Describe a table: columns, types, row count and partitioning.",
                {
                    "table*": "str: Table name, optionally schema-qualified",
                    "database": "str: Database",
                },
                {
                    "table": "str: Table name",
                    "columns": [
                        {
                            "name": "str: Column",
                            "type": "str: Type",
                            "nullable": "bool: Nullable",
                            "comment?": "str: Column comment",
                        }
                    ],
                    "row_count": "int[0,]: Approximate rows",
                    "partitioned_by?": "str[]: Partition columns",
                },
            ),
        ],
        "Dashboards": [
            (
                "create_dashboard",
                "Create a dashboard with chart widgets.",
                {
                    "title*": "str: Dashboard title",
                    "widgets*": [
                        {
                            "_": "Charts to place on the dashboard",
                            "title*": "str: Widget title",
                            "chart_type*": "str{line|bar|pie|table|number}: Visualisation",
                            "query*": "str: Query behind the widget",
                        }
                    ],
                    "folder": "str: Folder name",
                },
                {
                    "dashboard_id": "str: Dashboard identifier",
                    "url": "uri: Dashboard link",
                    "widget_count": "int[0,]: Widgets created",
                },
            ),
            (
                "export_dashboard_snapshot",
                "Render a dashboard as a PDF or PNG snapshot.",
                {
                    "dashboard_id*": "str: Dashboard identifier",
                    "format": "str{pdf|png}=pdf: Output format",
                    "time_range": "str{24h|7d|30d|90d}=7d: Time range applied to widgets",
                },
                {
                    "snapshot_url": "uri: Download link",
                    "format": "str: Format",
                    "generated_at": "datetime: Render time",
                },
            ),
        ],
        "Data Cleaning": [
            (
                "profile_dataset",
                "Profile a tabular dataset: per-column types, null rates, "
                "distinct counts and outliers.",
                {
                    "dataset_id*": "str: Dataset identifier",
                    "sample_rows": "int[100,1000000]=10000: Rows to sample",
                },
                {
                    "dataset_id": "str: Dataset identifier",
                    "row_count": "int[0,]: Rows",
                    "columns": [
                        {
                            "name": "str: Column",
                            "inferred_type": "str{integer|float|string|date|boolean}: Type",
                            "null_fraction": "num[0,1]: Share of nulls",
                            "distinct_count": "int[0,]: Distinct values",
                            "outlier_count": "int[0,]: Outliers",
                        }
                    ],
                },
            ),
            (
                "deduplicate_records",
                "Remove duplicate rows from a dataset using key columns, "
                "keeping the first or latest.",
                {
                    "dataset_id*": "str: Dataset identifier",
                    "key_columns*": "str[]: Columns defining a duplicate",
                    "keep": "str{first|last}=first: Which duplicate to keep",
                    "order_by": "str: Column deciding first/last",
                },
                {
                    "output_dataset_id": "str: Cleaned dataset identifier",
                    "rows_before": "int[0,]: Input rows",
                    "rows_after": "int[0,]: Output rows",
                    "duplicates_removed": "int[0,]: Removed rows",
                },
            ),
        ],
        "Forecasting": [
            (
                "forecast_time_series",
                "Forecast future values of a time series with prediction intervals.",
                {
                    "series_id*": "str: Time series identifier",
                    "horizon*": "int[1,365]: Periods to forecast",
                    "frequency": "str{hourly|daily|weekly|monthly}=daily: Period length",
                    "model": "str{auto|arima|ets|prophet}=auto: Forecasting model",
                    "interval_level": "num[0.5,0.99]=0.9: Prediction interval coverage",
                },
                {
                    "series_id": "str: Series identifier",
                    "model_used": "str: Model",
                    "forecast": [
                        {
                            "timestamp": "datetime: Period",
                            "value": "num: Point forecast",
                            "lower": "num: Lower bound",
                            "upper": "num: Upper bound",
                        }
                    ],
                },
            ),
            (
                "evaluate_forecast_accuracy",
                "Backtest a forecasting model on a series and report error metrics.",
                {
                    "series_id*": "str: Time series identifier",
                    "model*": "str{arima|ets|prophet|naive}: Model",
                    "folds": "int[1,20]=5: Backtest folds",
                },
                {
                    "model": "str: Model",
                    "mape": "num[0,]: Mean absolute percentage error",
                    "rmse": "num[0,]: Root mean squared error",
                    "mae": "num[0,]: Mean absolute error",
                },
            ),
        ],
    },
    "Search and Retrieval": {
        "Web Search": [
            (
                "web_search",
                "Search the web and return the top results with titles, URLs and snippets.",
                {"query*": "str: Search query", "num_results": "int[1,50]=10: Number of results"},
                {
                    "results": [
                        {
                            "title": "str: Page title",
                            "url": "uri: Page URL",
                            "snippet": "str: Text excerpt",
                        }
                    ]
                },
            ),
            (
                "fetch_web_page",
                "Fetch a web page and return its readable text content.",
                {
                    "url*": "uri: Page URL",
                    "max_chars": "int[100,100000]=10000: Maximum characters of text",
                },
                {
                    "url": "uri: Final URL after redirects",
                    "title": "str: Page title",
                    "text": "str: Extracted main text",
                    "status_code": "int[100,599]: HTTP status",
                },
            ),
            (
                "search_images",
                "Search the web for images matching a query.",
                {
                    "query*": "str: Search query",
                    "safe_search": "bool=true: Filter explicit content",
                    "size": "str{small|medium|large|any}=any: Image size",
                },
                {
                    "images": [
                        {
                            "image_url": "uri: Image URL",
                            "source_page": "uri: Page hosting the image",
                            "width": "int[1,]: Width px",
                            "height": "int[1,]: Height px",
                        }
                    ]
                },
            ),
        ],
        "Document Retrieval": [
            (
                "retrieve_documents",
                "Retrieve the documents most relevant to a query from the indexed corpus.",
                {
                    "query*": "str: Natural-language query",
                    "top_k": "int[1,100]=5: Number of documents",
                },
                {
                    "documents": [
                        {
                            "id": "str: Document identifier",
                            "title": "str: Title",
                            "text": "str: Relevant passage",
                            "score": "num[0,1]: Relevance score",
                        }
                    ]
                },
            ),
            (
                "index_document",
                "Add or replace a document in the retrieval index.",
                {
                    "collection*": "str: Index collection name",
                    "title*": "str: Document title",
                    "text*": "str: Full text",
                    "source_url": "uri: Original location",
                    "metadata": {
                        "_": "Filterable metadata",
                        "author": "str: Author",
                        "published": "date: Publication date",
                    },
                },
                {
                    "id": "str: Document identifier",
                    "chunks_indexed": "int[1,]: Chunks embedded",
                    "collection": "str: Collection",
                },
            ),
        ],
        "News Search": [
            (
                "search_news_articles",
                "Search recent news articles by keyword, source and date.",
                {
                    "query*": "str: Keywords",
                    "from_date": "date: Earliest publication date",
                    "to_date": "date: Latest publication date",
                    "sources": "str[]: Outlet identifiers",
                    "language": "str=en: Language",
                    "sort_by": "str{relevance|published_at|popularity}=published_at: Sort order",
                },
                {
                    "articles": [
                        {
                            "title": "str: Headline",
                            "source": "str: Outlet",
                            "url": "uri: Article URL",
                            "published_at": "datetime: Publication time",
                            "description": "str: Lede",
                        }
                    ],
                    "total_results": "int[0,]: Matches",
                },
            ),
            (
                "get_trending_topics",
                "Get topics trending in the news in a country.",
                {
                    "country": "str{US|GB|DE|FR|IN|JP}=US: Country",
                    "category": "str{general|business|technology|sports|science|health}: Category",
                },
                {
                    "topics": [
                        {
                            "topic": "str: Topic",
                            "article_count": "int[0,]: Articles in the last 24 hours",
                            "change_percent": "num: Change versus the previous day",
                        }
                    ]
                },
            ),
        ],
        "Academic Search": [
            (
                "search_papers",
                "Search scholarly papers by keywords, year range and venue.",
                {
                    "query*": "str: Keywords",
                    "year_from": "int[1900,2030]: First year",
                    "year_to": "int[1900,2030]: Last year",
                    "venue": "str: Journal or conference",
                    "limit": "int[1,100]=10: Maximum papers",
                },
                {
                    "papers": [
                        {
                            "paper_id": "str: Paper identifier",
                            "title": "str: Title",
                            "authors": "str[]: Authors",
                            "year": "int: Year",
                            "citation_count": "int[0,]: Citations",
                            "doi?": "str: DOI",
                        }
                    ]
                },
            ),
            (
                "get_paper_citations",
                "List papers that cite a given paper.",
                {
                    "paper_id*": "str: Paper identifier",
                    "limit": "int[1,500]=50: Maximum citing papers",
                },
                {
                    "paper_id": "str: Cited paper",
                    "citations": [
                        {
                            "paper_id": "str: Citing paper",
                            "title": "str: Title",
                            "year": "int: Year",
                            "is_influential": "bool: Influential citation",
                        }
                    ],
                },
            ),
        ],
    },
    "Productivity": {
        "Calendar": [
            (
                "create_calendar_event",
                "Create a calendar event and send invitations.",
                {
                    "calendar_id": "str=primary: Calendar",
                    "title*": "str: Event title",
                    "start*": "datetime: Start",
                    "end*": "datetime: End",
                    "attendees": "email[]: Invitees",
                    "location": "str: Place or meeting link",
                    "reminder_minutes": "int[0,10080]=10: Reminder before start",
                },
                {
                    "event_id": "str: Event identifier",
                    "html_link": "uri: Event page",
                    "status": "str{confirmed|tentative}: Status",
                },
            ),
            (
                "find_free_time",
                "Find time slots when all given people are free.",
                {
                    "attendees*": "email[]: People to check",
                    "duration_minutes*": "int[15,480]: Meeting length",
                    "window_start*": "datetime: Search window start",
                    "window_end*": "datetime: Search window end",
                    "working_hours_only": "bool=true: Stay within working hours",
                },
                {"slots": [{"start": "datetime: Slot start", "end": "datetime: Slot end"}]},
            ),
            (
                "list_calendar_events",
                "List events on a calendar between two times.",
                {
                    "calendar_id": "str=primary: Calendar",
                    "time_min*": "datetime: Range start",
                    "time_max*": "datetime: Range end",
                },
                {
                    "events": [
                        {
                            "event_id": "str: Event identifier",
                            "title": "str: Title",
                            "start": "datetime: Start",
                            "end": "datetime: End",
                            "organizer": "email: Organiser",
                        }
                    ]
                },
            ),
        ],
        "Task Management": [
            (
                "create_task",
                "Create a to-do task in a project list.",
                {
                    "list_id*": "str: Task list identifier",
                    "title*": "str: Task title",
                    "due_date": "date: Due date",
                    "priority": "int[1,4]=4: Priority (1 highest)",
                    "notes": "str: Details",
                    "assignee_email": "email: Assignee",
                },
                {
                    "task_id": "str: Task identifier",
                    "title": "str: Title",
                    "created_at": "datetime: Creation time",
                },
            ),
            (
                "complete_task",
                "Mark a task as completed.",
                {"task_id*": "str: Task identifier"},
                {
                    "task_id": "str: Task identifier",
                    "completed": "bool: Completion state",
                    "completed_at": "datetime: Completion time",
                    "next_occurrence?": "date: Next due date of a recurring task",
                },
            ),
            (
                "list_overdue_tasks",
                "List open tasks whose due date has passed.",
                {
                    "assignee_email": "email: Only tasks of this person",
                    "list_id": "str: Only this list",
                },
                {
                    "tasks": [
                        {
                            "task_id": "str: Task identifier",
                            "title": "str: Title",
                            "due_date": "date: Due date",
                            "days_overdue": "int[1,]: Days overdue",
                        }
                    ]
                },
            ),
        ],
        "Notes": [
            (
                "create_note",
                "Create a note in a notebook with optional tags.",
                {
                    "notebook_id": "str: Notebook; default notebook when omitted",
                    "title*": "str: Title",
                    "content*": "str: Body (markdown)",
                    "tags": "str[]: Tags",
                },
                {
                    "note_id": "str: Note identifier",
                    "notebook_id": "str: Notebook",
                    "created_at": "datetime: Creation time",
                },
            ),
            (
                "search_notes",
                "Full-text search across notes.",
                {
                    "query*": "str: Search text",
                    "tag": "str: Tag filter",
                    "limit": "int[1,100]=20: Maximum notes",
                },
                {
                    "notes": [
                        {
                            "note_id": "str: Note identifier",
                            "title": "str: Title",
                            "snippet": "str: Matching excerpt",
                            "updated_at": "datetime: Last edit",
                        }
                    ]
                },
            ),
        ],
        "File Storage": [
            (
                "upload_file",
                "Upload a file to a cloud drive folder.",
                {
                    "folder_id*": "str: Destination folder",
                    "filename*": "str: File name",
                    "content_base64*": "str: File content, base64-encoded",
                    "mime_type": "str: MIME type",
                },
                {
                    "file_id": "str: File identifier",
                    "size_bytes": "int[0,]: Stored size",
                    "web_url": "uri: Link to the file",
                },
            ),
            (
                "share_file",
                "Share a file with people and set their access role.",
                {
                    "file_id*": "str: File identifier",
                    "emails*": "email[]: People to share with",
                    "role*": "str{viewer|commenter|editor}: Access role",
                    "notify": "bool=true: Email the recipients",
                },
                {
                    "file_id": "str: File identifier",
                    "permissions": [{"email": "email: Grantee", "role": "str: Role"}],
                    "share_link": "uri: Link",
                },
            ),
            (
                "list_folder_contents",
                "List files and subfolders of a folder.",
                {
                    "folder_id*": "str: Folder identifier",
                    "order_by": "str{name|modified|size}=name: Sort order",
                },
                {
                    "items": [
                        {
                            "id": "str: File or folder identifier",
                            "name": "str: Name",
                            "is_folder": "bool: Folder flag",
                            "size_bytes?": "int[0,]: Size",
                            "modified_at": "datetime: Last change",
                        }
                    ]
                },
            ),
        ],
    },
    "Human Resources": {
        "Recruiting": [
            (
                "post_job_opening",
                "Publish a job opening to the careers site and job boards.",
                {
                    "title*": "str: Job title",
                    "department*": "str: Department",
                    "location*": "str: Office city or 'remote'",
                    "employment_type": (
                        "str{full_time|part_time|contract|internship}=full_time: Type"
                    ),
                    "description*": "str: Job description",
                    "salary_min": "num[0,]: Salary range minimum",
                    "salary_max": "num[0,]: Salary range maximum",
                },
                {
                    "job_id": "str: Job identifier",
                    "status": "str{open|draft}: Status",
                    "posting_url": "uri: Public posting",
                },
            ),
            (
                "list_job_applicants",
                "List candidates who applied to a job, by pipeline stage.",
                {
                    "job_id*": "str: Job identifier",
                    "stage": "str{applied|screen|interview|offer|hired|rejected}: Stage filter",
                },
                {
                    "applicants": [
                        {
                            "candidate_id": "str: Candidate identifier",
                            "name": "str: Candidate name",
                            "stage": "str: Stage",
                            "applied_on": "date: Application date",
                            "resume_url?": "uri: Resume",
                        }
                    ]
                },
            ),
            (
                "schedule_interview",
                "Schedule an interview between a candidate and interviewers.",
                {
                    "candidate_id*": "str: Candidate identifier",
                    "job_id*": "str: Job identifier",
                    "interviewer_emails*": "email[]: Interviewers",
                    "start_time*": "datetime: Start",
                    "format": "str{phone|video|onsite}=video: Interview format",
                },
                {
                    "interview_id": "str: Interview identifier",
                    "calendar_event_id": "str: Calendar event",
                    "status": "str{scheduled}: Status",
                },
            ),
        ],
        "Payroll": [
            (
                "run_payroll",
                "Calculate and submit payroll for a pay period.",
                {
                    "pay_period_start*": "date: Period start",
                    "pay_period_end*": "date: Period end",
                    "pay_date*": "date: Payment date",
                    "employee_ids": "str[]: Subset of employees; all when omitted",
                },
                {
                    "payroll_run_id": "str: Payroll run identifier",
                    "employee_count": "int[0,]: Employees paid",
                    "gross_total": "num[0,]: Gross pay",
                    "net_total": "num[0,]: Net pay",
                    "status": "str{submitted|processing|needs_approval}: Status",
                },
            ),
            (
                "get_pay_stub",
                "Get an employee's pay stub for a pay date.",
                {"employee_id*": "str: Employee identifier", "pay_date*": "date: Pay date"},
                {
                    "employee_id": "str: Employee identifier",
                    "gross_pay": "num[0,]: Gross",
                    "net_pay": "num[0,]: Net",
                    "deductions": [
                        {
                            "type": "str: Deduction type, e.g. federal_tax",
                            "amount": "num[0,]: Amount",
                        }
                    ],
                    "hours_worked?": "num[0,]: Hours",
                },
            ),
        ],
        "Leave Management": [
            (
                "request_time_off",
                "Submit a time-off request for approval.",
                {
                    "employee_id*": "str: Employee identifier",
                    "leave_type*": "str{vacation|sick|parental|unpaid|bereavement}: Leave type",
                    "start_date*": "date: First day off",
                    "end_date*": "date: Last day off",
                    "comment": "str: Note to the approver",
                },
                {
                    "request_id": "str: Leave request identifier",
                    "status": "str{pending|approved|rejected}: Status",
                    "days_requested": "num[0,]: Working days",
                    "approver": "str: Approver name",
                },
            ),
            (
                "get_leave_balance",
                "Get an employee's remaining leave balances.",
                {"employee_id*": "str: Employee identifier", "as_of": "date: Balance date"},
                {
                    "employee_id": "str: Employee identifier",
                    "balances": [
                        {
                            "leave_type": "str: Leave type",
                            "available_days": "num: Days left",
                            "used_days": "num[0,]: Days used this year",
                        }
                    ],
                },
            ),
        ],
        "Performance Reviews": [
            (
                "submit_performance_review",
                "Submit a manager's review of an employee for a review cycle.",
                {
                    "employee_id*": "str: Employee identifier",
                    "cycle_id*": "str: Review cycle",
                    "rating*": "int[1,5]: Overall rating",
                    "strengths": "str: Strengths",
                    "improvements": "str: Areas to improve",
                    "goals": "str[]: Goals for the next cycle",
                },
                {
                    "review_id": "str: Review identifier",
                    "status": "str{submitted|calibration}: Status",
                    "submitted_at": "datetime: Submission time",
                },
            ),
            (
                "get_review_cycle_progress",
                "Get completion progress of a performance review cycle by team.",
                {
                    "cycle_id*": "str: Review cycle identifier",
                    "department": "str: Department filter",
                },
                {
                    "cycle_id": "str: Review cycle",
                    "due_date": "date: Deadline",
                    "completion_rate": "num[0,1]: Share completed",
                    "teams": [
                        {
                            "team": "str: Team",
                            "completed": "int[0,]: Done",
                            "pending": "int[0,]: Pending",
                        }
                    ],
                },
            ),
        ],
    },
    "Legal": {
        "Contract Management": [
            (
                "create_contract_from_template",
                "Draft a contract from a template with party details and terms.",
                {
                    "template*": "str{nda|msa|sow|employment|lease}: Template",
                    "counterparty_name*": "str: Counterparty",
                    "effective_date*": "date: Effective date",
                    "term_months": "int[1,120]: Contract term",
                    "governing_law": "str: Jurisdiction, e.g. New York",
                },
                {
                    "contract_id": "str: Contract identifier",
                    "status": "str{draft}: Status",
                    "document_url": "uri: Draft document",
                },
            ),
            (
                "send_contract_for_signature",
                "Send a contract to signers for e-signature.",
                {
                    "contract_id*": "str: Contract identifier",
                    "signers*": [
                        {
                            "_": "People who must sign",
                            "name*": "str: Signer name",
                            "email*": "email: Signer email",
                            "order": "int[1,10]: Signing order",
                        }
                    ],
                    "message": "str: Email message",
                },
                {
                    "envelope_id": "str: Signature envelope identifier",
                    "status": "str{sent}: Status",
                    "expires_on": "date: Signing deadline",
                },
            ),
            (
                "list_expiring_contracts",
                "List contracts that expire or auto-renew soon.",
                {
                    "within_days": "int[1,365]=90: Look-ahead window",
                    "auto_renew_only": "bool=false: Only auto-renewing contracts",
                },
                {
                    "contracts": [
                        {
                            "contract_id": "str: Contract identifier",
                            "counterparty": "str: Counterparty",
                            "end_date": "date: End date",
                            "auto_renew": "bool: Auto-renews",
                            "notice_deadline?": "date: Last day to give notice",
                        }
                    ]
                },
            ),
        ],
        "Case Law Search": [
            (
                "search_case_law",
                "Search court opinions by keywords, jurisdiction and date.",
                {
                    "query*": "str: Legal issue or keywords",
                    "jurisdiction": "str: Court or jurisdiction, e.g. 'US Supreme Court'",
                    "decided_after": "date: Decided on or after",
                    "decided_before": "date: Decided on or before",
                    "limit": "int[1,50]=10: Maximum cases",
                },
                {
                    "cases": [
                        {
                            "case_id": "str: Case identifier",
                            "name": "str: Case name",
                            "citation": "str: Reporter citation",
                            "court": "str: Court",
                            "decided_on": "date: Decision date",
                            "summary": "str: Holding summary",
                        }
                    ]
                },
            ),
            (
                "get_case_citators",
                "Check whether a case is still good law and list citing decisions.",
                {"case_id*": "str: Case identifier"},
                {
                    "case_id": "str: Case identifier",
                    "treatment": "str{positive|caution|negative|overruled}: Overall treatment",
                    "citing_cases": [
                        {
                            "case_id": "str: Citing case",
                            "name": "str: Case name",
                            "treatment": (
                                "str{followed|distinguished|criticized|overruled}: How it cites"
                            ),
                        }
                    ],
                },
            ),
        ],
        "Compliance": [
            (
                "screen_sanctions_list",
                "Screen a person or company name against sanctions and watch lists.",
                {
                    "name*": "str: Name to screen",
                    "entity_type": "str{person|organization}=person: Entity type",
                    "country": "str: Country code",
                    "date_of_birth": "date: Birth date for persons",
                },
                {
                    "match_found": "bool: Whether any list matched",
                    "matches": [
                        {
                            "list": "str{OFAC_SDN|EU|UN|UK_HMT}: List",
                            "matched_name": "str: Listed name",
                            "score": "num[0,1]: Similarity",
                        }
                    ],
                },
            ),
            (
                "log_compliance_incident",
                "Record a compliance incident for investigation.",
                {
                    "category*": (
                        "str{data_breach|bribery|harassment|fraud|policy_violation}: Category"
                    ),
                    "description*": "str: What happened",
                    "occurred_on": "date: Date",
                    "reported_by": "str: Reporter; anonymous when omitted",
                    "severity": "str{low|medium|high}=medium: Severity",
                },
                {
                    "incident_id": "str: Incident identifier",
                    "status": "str{open}: Status",
                    "assigned_to": "str: Investigator",
                    "regulatory_deadline?": "date: Deadline to notify a regulator",
                },
            ),
        ],
        "Trademark Search": [
            (
                "search_trademarks",
                "Search registered and pending trademarks for a mark.",
                {
                    "mark*": "str: Word mark",
                    "nice_classes": "int[1,45][]: Nice classification classes",
                    "office": "str{USPTO|EUIPO|WIPO|UKIPO}=USPTO: Trademark office",
                    "status": "str{live|dead|any}=live: Status",
                },
                {
                    "results": [
                        {
                            "serial_number": "str: Application serial number",
                            "mark": "str: Mark text",
                            "owner": "str: Owner",
                            "status": "str: Status",
                            "classes": "int[]: Classes",
                            "filed_on": "date: Filing date",
                        }
                    ]
                },
            ),
            (
                "get_trademark_status",
                "Get prosecution status and deadlines of a trademark application.",
                {"serial_number*": "str: Application serial number"},
                {
                    "serial_number": "str: Serial number",
                    "status": "str{pending|published|registered|abandoned|cancelled}: Status",
                    "next_deadline?": "date: Next deadline",
                    "events": [{"date": "date: Date", "description": "str: Prosecution event"}],
                },
            ),
        ],
    },
    "Insurance": {
        "Policy Quotes": [
            (
                "get_auto_insurance_quote",
                "Get an auto insurance premium quote for a driver and vehicle.",
                {
                    "driver_age*": "int[16,100]: Driver age",
                    "zip_code*": "str: Garaging ZIP code",
                    "vehicle_year*": "int[1980,2030]: Vehicle year",
                    "vehicle_make*": "str: Make",
                    "vehicle_model*": "str: Model",
                    "coverage": "str{liability|standard|full}=standard: Coverage level",
                    "accidents_last_5y": "int[0,10]=0: At-fault accidents",
                },
                {
                    "quote_id": "str: Quote identifier",
                    "annual_premium": "num[0,]: Annual premium",
                    "monthly_premium": "num[0,]: Monthly premium",
                    "deductible": "num[0,]: Deductible",
                    "valid_until": "date: Quote expiry",
                },
            ),
            (
                "get_home_insurance_quote",
                "Get a homeowners insurance quote for a property.",
                {
                    "address*": "str: Property address",
                    "dwelling_value*": "num[10000,]: Rebuild cost",
                    "year_built": "int[1800,2030]: Year built",
                    "deductible": "num{500|1000|2500|5000}=1000: Deductible",
                },
                {
                    "quote_id": "str: Quote identifier",
                    "annual_premium": "num[0,]: Annual premium",
                    "coverages": [{"name": "str: Coverage", "limit": "num[0,]: Limit"}],
                    "valid_until": "date: Expiry",
                },
            ),
            (
                "bind_policy",
                "Bind a quote into an active insurance policy.",
                {
                    "quote_id*": "str: Quote identifier",
                    "start_date*": "date: Policy start",
                    "payment_plan": "str{annual|monthly}=monthly: Payment plan",
                },
                {
                    "policy_number": "str: Policy number",
                    "status": "str{active|pending_payment}: Status",
                    "start_date": "date: Start",
                    "end_date": "date: End",
                },
            ),
        ],
        "Claims": [
            (
                "file_insurance_claim",
                "File a new claim against a policy.",
                {
                    "policy_number*": "str: Policy number",
                    "incident_date*": "date: Date of loss",
                    "claim_type*": (
                        "str{collision|theft|water_damage|fire|medical|liability}: Claim type"
                    ),
                    "description*": "str: What happened",
                    "estimated_amount": "num[0,]: Estimated loss",
                    "photos": "uri[]: Photo links",
                },
                {
                    "claim_id": "str: Claim identifier",
                    "status": "str{received|under_review}: Status",
                    "adjuster_name?": "str: Assigned adjuster",
                },
            ),
            (
                "get_claim_status",
                "Get the status, payments and next steps of a claim.",
                {"claim_id*": "str: Claim identifier"},
                {
                    "claim_id": "str: Claim identifier",
                    "status": "str{received|under_review|approved|denied|paid|closed}: Status",
                    "amount_paid": "num[0,]: Paid so far",
                    "next_step": "str: Next step",
                    "updated_at": "datetime: Last update",
                },
            ),
        ],
        "Underwriting": [
            (
                "assess_applicant_risk",
                "Score an applicant's insurance risk from application data.",
                {
                    "application_id*": "str: Application identifier",
                    "line*": "str{auto|home|life|health}: Line of business",
                },
                {
                    "application_id": "str: Application identifier",
                    "risk_score": "num[0,100]: Risk score (higher is riskier)",
                    "risk_class": "str{preferred|standard|substandard|decline}: Risk class",
                    "factors": [
                        {
                            "factor": "str: Rating factor",
                            "impact": "str{increase|decrease}: Effect",
                            "weight": "num[0,1]: Relative weight",
                        }
                    ],
                },
            ),
            (
                "request_underwriting_documents",
                "Request additional documents from an applicant before a decision.",
                {
                    "application_id*": "str: Application identifier",
                    "documents*": (
                        "str{medical_exam|proof_of_income|inspection_report|driving_record|"
                        "prior_policy}[]: Documents needed"
                    ),
                    "due_date": "date: Deadline",
                },
                {
                    "request_id": "str: Document request identifier",
                    "application_status": "str{pending_documents}: Application status",
                    "due_date": "date: Deadline",
                },
            ),
        ],
    },
}
