package analyze

// cue identifies a class of evidence that intent.go and signals.go weigh.
// Terms are normalised on load, so any spelling works in cueTerms.
type cue int

const (
	cGreeting cue = iota
	cThanks
	cPraise
	cComplaint
	cPrice
	cWhere
	cProductQ
	cHuman
	cMedical
	cOptOut
	cOptIn
	cQuestion  // question words
	cHypo      // if, might: a hypothetical, not a report
	cExpPast   // a past experience: got, gave me, گرفتم
	cExp       // a present experience: I have, دارم
	cIntake    // taking a medicine: after taking, خوردم
	cCause     // causes, باعث
	cAENeg     // no, without, بدون: no side effect
	cLegal     // legal threat
	cSelfHarm  // self-harm
	cSpam      // spam
	cAbuse     // profanity or insult
	cFirstPers // I, my, من: the writer speaks of themself
	cResolved  // خوب شد, cleared up: the effect went away
	cNoIntake  // نخوردم, haven't taken: no medicine was taken
	cNotTaken  // سرما خوردم, زمین خوردم: خورد in an idiom, not taking anything
	cFollowUp  // طبیعیه؟, is that normal?: a question that follows a report
	numCues
)

// cueTerms: words and phrases per cue. Written for this project.
var cueTerms = map[cue][]string{
	cGreeting: {"سلام", "درود", "وقت بخیر", "وقتتون بخیر", "صبح بخیر", "عصر بخیر", "شب بخیر", "روز بخیر",
		"سلام علیکم", "hi", "hello", "hey", "hiya", "good morning", "good evening", "good afternoon",
		"greetings", "salam", "dorood", "howdy", "yo"},
	cThanks: {"ممنون", "ممنونم", "مرسی", "متشکرم", "متشکر", "سپاس", "سپاسگزارم", "تشکر", "دستتون درد نکنه",
		"دستت درد نکنه", "لطف کردید", "لطف کردی", "قدردانی", "thanks", "thank you", "thank u", "thx", "ty",
		"tnx", "tanks", "appreciate", "appreciated", "grateful", "merci", "mersi", "mamnoon", "mamnun", "tashakor"},
	cPraise: {"عالی", "عالیه", "فوق العاده", "بی نظیر", "محشر", "معرکه", "بهترین", "راضی", "راضیم",
		"دوست دارم", "عاشق", "آفرین", "ایول", "دمتون گرم", "دمت گرم", "پیشنهاد میکنم", "توصیه میکنم",
		"معجزه", "جواب داد", "نتیجه گرفتم", "love", "love it", "loved", "amazing", "awesome", "excellent",
		"great", "best", "fantastic", "wonderful", "perfect", "recommend", "works great", "worked",
		"impressed", "brilliant", "aali", "awli"},
	cComplaint: {"شکایت", "اعتراض", "افتضاح", "خراب", "تقلبی", "فیک", "جعلی", "تاریخ گذشته", "تاریخ مصرف گذشته",
		"منقضی", "دیر رسید", "نرسید", "هنوز نرسیده", "پس بدم", "پس بدید", "مرجوع", "پولمو", "پولم",
		"کلاهبرداری", "کلاهبردار", "ناراضی", "پشیمونم", "پشیمانم", "بی کیفیت", "جواب نداد", "هیچ اثری",
		"هیچ تاثیری", "اثر نکرد", "کار نکرد", "بدترین", "گرونفروشی", "گرانفروشی", "پلمپ", "شکسته", "باز شده",
		"complaint", "complain", "refund", "money back", "broken", "fake", "counterfeit", "expired", "never arrived",
		"didn't arrive", "not arrived", "still waiting", "worst", "disappointed", "disappointing", "terrible",
		"awful", "useless", "scam", "waste of money", "doesn't work", "didn't work", "does not work",
		"did not work", "damaged", "leaking", "rude", "overpriced", "ripoff", "rip off"},
	cPrice: {"قیمت", "قیمتش", "قیمتشون", "چنده", "چند", "چقدره", "چقدر", "چقد", "هزینه", "هزینش", "موجود",
		"موجودی", "ناموجود", "تخفیف", "گرون", "ارزون", "تومن", "تومان", "ریال", "price", "prices",
		"cost", "costs", "how much", "in stock", "available", "availability", "out of stock", "discount",
		"sale", "ghimat", "gheymat", "gheimat", "chande", "chanda"},
	cWhere: {"از کجا", "کجا بخرم", "کجا میشه", "کجا پیدا", "کجا تهیه", "کجا هست", "کجا موجود", "تهیه کنم",
		"بخرم", "بخریم", "خرید", "داروخانه", "داروخونه", "نمایندگی", "فروشگاه", "سفارش", "ارسال",
		"آنلاین", "سایت", "شهرستان", "where to buy", "where can i buy", "where can i get", "where can i find",
		"where do i buy", "where do you sell", "buy", "purchase", "order", "pharmacy", "pharmacies", "store",
		"stores", "shop", "online", "deliver", "delivery", "ship", "shipping", "stockist", "koja", "bekharam"},
	cProductQ: {"برای چیه", "برای چی", "کاربرد", "کاربردش", "چه کاربردی", "خاصیت", "خواصش", "ترکیبات", "ترکیبش",
		"مواد تشکیل", "فرقش", "فرق", "تفاوت", "مناسب", "مناسبه", "خوبه", "موثره", "جواب میده", "اثر داره",
		"گیاهی", "حلال", "what is it for", "what's it for", "ingredients", "difference", "good for",
		"does it help", "does it work", "is it good", "suitable", "vegan", "halal", "gluten", "which one",
		"what does"},
	cHuman: {"اپراتور", "کارشناس", "مشاور", "یه آدم", "یه انسان", "آدم واقعی", "با پشتیبانی", "پشتیبانی رو بدید",
		"شخص واقعی", "تماس بگیرید", "تماس بگیرین", "زنگ بزنید", "زنگ بزنین", "شماره تماس", "شماره تلفن",
		"با مسئول", "با مدیر", "ربات نیستی", "رباتی", "human", "real person", "agent", "operator",
		"representative", "talk to someone", "speak to someone", "talk to a person", "speak to a person",
		"call me", "phone number", "your manager", "a manager", "supervisor", "not a bot", "are you a bot",
		"live chat"},
	cMedical: {"دوز", "دوزش", "مقدار مصرف", "روزی چند", "روزی چندتا", "چند بار", "چندبار", "چند عدد", "چندتا",
		"چند قاشق", "قبل از غذا", "بعد از غذا", "با معده خالی", "ناشتا", "نحوه مصرف", "طریقه مصرف", "دستور مصرف",
		"تداخل", "همزمان", "همراه با", "بارداری", "باردار", "حامله", "شیردهی", "شیر میدم", "برای بچه",
		"برای کودک", "برای نوزاد", "سن", "ساله", "ماهه", "میتونم بخورم", "میتونم مصرف", "میشه بخورم",
		"میشه مصرف", "مجازه", "خطر داره", "ضرر داره", "عوارض داره", "عوارضش", "عوارض", "قرص", "دکتر",
		"پزشک", "نسخه", "فشار خون", "دیابت", "dose", "dosage", "how many", "how often", "how much should",
		"can i take", "should i take", "safe to take", "is it safe", "safe for", "with food", "empty stomach",
		"interact", "interaction", "interactions", "together with", "pregnant", "pregnancy", "breastfeeding",
		"nursing", "for my child", "for kids", "for children", "for my baby", "side effects", "side effect",
		"doctor", "prescription", "overdose", "missed a dose", "twice a day", "once a day", "age"},
	cOptOut: {"لغو", "لغو عضویت", "لغو اشتراک", "انصراف", "پیام نده", "پیام ندید", "پیام نفرستید", "پیام نفرست",
		"مزاحم نشید", "مزاحم نشوید", "حذفم کنید", "حذف کنید", "خارجم کنید", "دیگه پیام", "نمیخوام پیام",
		"stop", "unsubscribe", "opt out", "opt-out", "remove me", "stop messaging", "stop sending",
		"don't message", "do not message", "don't contact", "do not contact", "leave me alone", "cancel"},
	cOptIn: {"عضو", "عضویت", "عضوم کنید", "اشتراک", "مشترک", "خبرم کنید", "خبرم کن", "اطلاع بدید", "اطلاع بدین",
		"پیام بدید", "میخوام عضو", "ثبت نام", "ثبتنام", "subscribe", "sign me up", "opt in", "opt-in",
		"notify me", "keep me posted", "keep me updated", "join", "add me", "start", "newsletter"},
	cQuestion: {"آیا", "ایا", "چرا", "چطور", "چطوری", "چگونه", "چه", "چی", "چیه", "کی", "کدوم", "کدام", "کجا",
		"میشه بگید", "میشه بگین", "بگید", "بگین", "بدونم", "میخواستم بدونم", "سوال", "سوالی", "سئوال",
		"میتونم", "ممکنه", "does", "do", "can", "could", "will", "would", "should", "is it", "are they",
		"what", "why", "how", "when", "which", "where", "who", "is there", "any"},
	cHypo: {"اگه", "اگر", "ممکنه", "احتمال", "احتمالا", "if", "might", "may", "could", "would", "in case",
		"worried", "afraid", "scared", "hesitant", "نگرانم", "میترسم", "میترسم بخورم"},
	cExpPast: {"گرفتم", "گرفت", "گرفته", "گرفتیم", "گرفتن", "شدم", "شد", "شده", "شدیم", "شدن", "داشتم",
		"داشت", "داشته", "زدم", "زد", "زده", "افتادم", "افتاد", "اومد", "آمد", "آورد", "آوردم", "کرد", "کردم",
		"ایجاد کرد", "پیدا کردم", "پیدا کرد", "ریخت", "بعد از خوردن", "بعد از مصرف", "بعد از استفاده", "بعد از زدن", "بعد از اینکه", "از وقتی",
		"از زمانی", "از موقعی",
		"خوردم", "خورد", "مصرف کردم", "استفاده کردم", "باعث شد", "got", "gave", "given", "caused", "made me",
		"started", "developed", "broke out", "woke up", "had", "ended up", "felt", "experienced",
		"suffered", "turned", "became", "after taking", "after using", "after i took", "after starting",
		"since taking", "since i started", "since starting", "since using", "ever since", "took",
		"used", "took it", "gereftam", "shodam", "khordam", "khorde", "khord", "khordim", "shode",
		"gereft", "gerefte", "kard", "kardam", "zadam", "zade", "avordam", "dadam", "bodam", "oftad",
		"shoroo kardam", "شروع کردم", "شروع کرد", "دادم", "بهش دادم", "karde", "gotten", "threw", "threw up",
		"vomited", "fainted", "passed out", "broke out", "swelled", "made my", "shoru kardam"},
	cExp: {"دارم", "داره", "داریم", "میگیرم", "میگیره", "میشم", "میشه", "میکنه", "میکنم", "هستم", "get",
		"getting", "gives", "giving", "makes me", "causing", "i have", "i've", "has", "have", "feel",
		"feeling", "experiencing", "suffering", "keep getting", "i'm getting", "is making", "daram",
		"after", "since", "بعد از", "بعداز", "بعدش", "از صبح", "از دیشب", "از دیروز", "چند روزه", "از وقتی",
		"mishe", "mikone", "mikonam", "mide", "az vaghti", "bad az", "ba'd az"},
	cIntake: {"خوردم", "خوردن", "خورد", "میخورم", "میخوره", "مصرف", "مصرفش", "استفاده", "زدم", "میزنم", "زدن",
		"taking", "took", "take", "taken", "using", "used", "use", "applied", "applying", "started",
		"starting", "dose", "mikhoram", "mikhore", "khordam", "khorde", "khord", "masraf", "estefade",
		"mizanam", "zadam", "دادم", "بهش دادم"},
	cCause: {"باعث", "cause", "causes", "caused", "causing", "gave me", "gives me", "made me", "makes me", "made my"},
	cAENeg: {"بدون", "هیچ", "هیچی", "نه", "no", "without", "not", "never", "none", "zero", "didn't",
		"did not", "haven't", "have not", "hasn't", "don't", "doesn't", "wasn't", "nothing", "free of"},
	cLegal: {"شکایت میکنم", "شکایت کنم", "شکایت میکنیم", "ازتون شکایت", "ازت شکایت", "شکایت میکنیم", "دادگاه", "وکیل",
		"دادسرا", "پیگرد قانونی", "پیگیری قانونی", "اقدام قانونی", "مراجع قانونی", "مراجع ذیصلاح",
		"به سازمان غذا و دارو", "گزارش میدم", "تعزیرات", "حمایت از مصرف کننده", "شکایت رسمی", "وکیلم",
		"sue", "suing", "lawsuit", "my lawyer", "my attorney", "legal action", "take you to court", "see you in court",
		"report you", "report this to the fda", "consumer protection", "class action", "sue you"},
	cSelfHarm: {"خودکشی", "خودمو بکشم", "خودم رو بکشم", "خودمو میکشم", "میخوام بمیرم", "دلم میخواد بمیرم",
		"میخوام خودمو", "زندگی رو تموم", "به زندگیم پایان", "همه قرصارو بخورم", "همه قرص هارو", "یه جا بخورم",
		"دیگه نمیخوام زنده", "نمیخوام زنده باشم", "رگمو", "رگ بزنم", "suicide", "suicidal", "kill myself",
		"end my life", "end it all", "want to die", "wanna die", "don't want to live", "hurt myself",
		"harm myself", "self harm", "self-harm", "overdose on purpose", "take all the pills", "cut myself",
		"no reason to live", "better off dead"},
	cSpam: {"http", "https", "www", "t.me", "bit.ly", ".com", ".ir", "فالو", "فالوور", "فالو کنید", "فالو بک",
		"لایک کنید", "پیج ما", "پیجمون", "کسب درآمد", "درآمد دلاری", "درآمد میلیونی", "سرمایه گذاری",
		"ارز دیجیتال", "رایگان", "جایزه", "برنده", "قرعه کشی", "تبلیغات", "تبلیغ", "کلیک کنید", "لینک",
		"لینک در بیو", "دایرکت", "follow", "follow back", "follow me", "followers", "click here", "link in bio",
		"free money", "earn money", "make money", "crypto", "bitcoin", "giveaway", "promo", "dm me",
		"check out my", "visit my", "buy followers"},
	cAbuse: {"کیر", "کیری", "کسکش", "کس کش", "کس ننه", "کسخل", "کص", "کونی", "جنده", "جاکش", "حرومزاده",
		"حرامزاده", "مادرجنده", "پدرسگ", "پدر سگ", "گوه", "ریدم", "ریدی", "تخمی", "دیوث", "بیشرف",
		"بی شرف", "بی ناموس", "بیناموس", "عوضی", "لاشی", "کثافت", "نکبت", "پفیوز", "احمق", "الاغ",
		"گوساله", "بیشعور", "بی شعور", "نفهم", "خفه شو", "گمشو", "گم شو", "خاک تو سرت", "خاک بر سرت",
		"fuck", "fucking", "fucked", "fucker", "motherfucker", "shit", "bullshit", "bitch", "bastard",
		"asshole", "dick", "cunt", "idiot", "stupid", "moron", "retard", "retarded", "dumbass", "wtf",
		"stfu", "piss off", "damn you", "kir", "kos", "koskesh", "jende", "madarjende", "bisharaf"},
	cResolved: {"خوب شد", "خوب شدم", "بهتر شد", "بهتر شدم", "رفع شد", "برطرف شد", "از بین رفت", "خوب شده", "بهتر شده",
		"درمان شد", "خوب کرد", "cleared up", "cleared", "went away", "gone", "is gone", "are gone", "healed",
		"better", "improved", "got rid of", "fixed", "helped", "helps", "relieved", "cured",
		"کم شده", "کمتر شده", "کم شد", "کمتر شد", "بند اومد", "بند آمد", "less", "reduced",
		"حل شد", "رفع شده", "sorted out", "sorted", "no more", "solved"},
	cNotTaken: {"سرما خوردم", "سرما خورده", "سرما خورد", "سرما خوردیم", "سرماخوردم", "زمین خوردم", "زمین خورد",
		"غصه خوردم", "غصه میخورم", "حرص خوردم", "حرص میخورم", "گول خوردم", "شکست خوردم", "کتک خوردم",
		"sarma khordam", "sarma khorde", "sarama khordam", "sarmaa khordam", "sarma khordim"},
	cFollowUp: {"طبیعیه", "طبیعی هست", "عادیه", "عادی هست", "نرماله", "قطعش کنم", "قطع کنم", "قطعش کنه",
		"ادامه بدم", "ربطی داره", "ربط داره", "از قرصه", "از داروئه", "از دارو هست", "عوارضشه",
		"چیکار کنم", "چه کنم", "is that normal", "is this normal", "should i stop", "should i keep",
		"is it the", "could it be the", "related", "adie", "normale", "tabiie", "ghatesh konam", "ghatesh kone",
		"chikar konam"},
	cNoIntake: {"نخوردم", "نخورده", "نخوردیم", "مصرف نکردم", "استفاده نکردم", "شروع نکردم", "نزدم",
		"هنوز نخوردم", "haven't taken", "have not taken", "didn't take", "did not take", "not taking",
		"haven't used", "have not used", "haven't started", "not taken", "nakhordam"},
	cFirstPers: {"من", "ما", "بچم", "پسرم", "دخترم", "همسرم", "شوهرم", "خانمم", "مادرم", "پدرم", "مامانم",
		"بابام", "پوستم", "صورتم", "موهام", "بدنم", "معدم", "سرم", "حالم", "i", "i'm", "im", "me", "my",
		"we", "our", "us", "mine", "myself",
		// parts of the body, mine: "چشمم از صبح میسوزه" tells of the writer
		"چشمم", "چشمام", "دهنم", "دهانم", "لبم", "لبام", "دستم", "دستام", "پام", "پاهام", "شکمم", "دلم",
		"گلوم", "زبونم", "قلبم", "نفسم", "کمرم", "مدفوعم", "ادرارم", "دندونام", "دندونای", "گوشم", "دماغم",
		"قندم", "فشارم", "تنش", "بدنش", "صورتش", "moham", "mooham", "moohaam", "suratam", "poostam",
		"cheshmam", "dahanam", "delam", "saram", "bachem", "dokhtaram", "pesaram", "madaram", "pedaram",
		"hamsaram", "badanam", "ghalbam", "nafasam"},
}
