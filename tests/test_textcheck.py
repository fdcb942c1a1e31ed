"""Tests for bot.domain.textcheck (negative-list hints, the kind check) and bot.domain.policy."""

from __future__ import annotations

import pytest

from bot.domain.load import HomeworkKind
from bot.domain.policy import ComplaintCategory, NegativeItem
from bot.domain.textcheck import (
    Hint,
    chinese_numeral_to_int,
    find_hints,
    kind_hint,
    looks_written,
    normalize,
    written_signal,
)

I = NegativeItem  # noqa: E741 - short alias keeps the case tables readable

POSITIVES: list[tuple[str, NegativeItem]] = [
    # --- parents complete / do the work (item 6) ---
    ("手工作业由家长完成。", I.PARENTS_COMPLETE),
    ("本周科学小制作请家长代做。", I.PARENTS_COMPLETE),
    ("请家长帮助完成调查表。", I.PARENTS_COMPLETE),
    ("家长帮孩子完成手抄报", I.PARENTS_COMPLETE),
    ("在家长的帮助下完成植物观察记录", I.PARENTS_COMPLETE),
    ("和爸爸妈妈一起制作一个灯笼", I.PARENTS_COMPLETE),
    ("亲子作业:制作家庭树", I.PARENTS_COMPLETE),
    ("The parents complete the form together with the child.", I.PARENTS_COMPLETE),
    ("With your parents' help, finish the volcano model.", I.PARENTS_COMPLETE),
    ("Ask your parents to help you finish the poster.", I.PARENTS_COMPLETE),
    ("Parents should complete the science project at home.", I.PARENTS_COMPLETE),
    ("Родители выполняют проект дома.", I.PARENTS_COMPLETE),
    ("Поделку попросите родителям сделать к пятнице.", I.PARENTS_COMPLETE),
    ("Выполнить проект с помощью родителей.", I.PARENTS_COMPLETE),
    ("Сделать скворечник вместе с родителями.", I.PARENTS_COMPLETE),
    # --- parents sign or mark (item 9) ---
    ("作业完成后请家长签字。", I.PARENTS_MARK),
    ("口算练习请家长批改", I.PARENTS_MARK),
    ("家长检查并签名", I.PARENTS_MARK),
    ("请父母检查作业后签字", I.PARENTS_MARK),
    ("家長簽字", I.PARENTS_MARK),
    ("Reading log needs a parent signature.", I.PARENTS_MARK),
    ("Parents, please mark the spelling test.", I.PARENTS_MARK),
    ("Parents grade the worksheet and return it.", I.PARENTS_MARK),
    ("Parents check and sign the planner every day.", I.PARENTS_MARK),
    ("The reading log must be signed by a parent.", I.PARENTS_MARK),
    ("Дневник чтения с подписью родителей.", I.PARENTS_MARK),
    ("Родители проверяют и подписывают тетрадь.", I.PARENTS_MARK),
    ("Подпись родителей обязательна.", I.PARENTS_MARK),
    ("Пусть родители распишутся в дневнике.", I.PARENTS_MARK),
    # --- punitive / repetitive (item 4) ---
    ("生字抄写5遍", I.PUNITIVE_REPETITIVE),
    ("课文抄十遍", I.PUNITIVE_REPETITIVE),
    ("每个字写20遍", I.PUNITIVE_REPETITIVE),
    ("每个单词写10次", I.PUNITIVE_REPETITIVE),
    ("错题罚抄", I.PUNITIVE_REPETITIVE),
    ("把错字抄写二十五遍", I.PUNITIVE_REPETITIVE),
    ("生字抄写５遍", I.PUNITIVE_REPETITIVE),
    ("词语抄寫三遍", I.PUNITIVE_REPETITIVE),
    ("Copy the poem 10 times.", I.PUNITIVE_REPETITIVE),
    ("Write each word 20 times.", I.PUNITIVE_REPETITIVE),
    ("Write your spelling words three times each.", I.PUNITIVE_REPETITIVE),
    ("Copy out the rule twenty-five times.", I.PUNITIVE_REPETITIVE),
    ("Copy the sentence thrice.", I.PUNITIVE_REPETITIVE),
    ("Переписать текст 5 раз.", I.PUNITIVE_REPETITIVE),
    ("Написать каждое слово 10 раз.", I.PUNITIVE_REPETITIVE),
    ("Перепиши правило три раза.", I.PUNITIVE_REPETITIVE),
    ("Пропиши букву Ж двадцать раз в наказание.", I.PUNITIVE_REPETITIVE),
    # --- whole bought test papers / workbooks (item 5) ---
    ("今晚完成一整套试卷", I.BOUGHT_PAPERS),
    ("数学做一套试卷", I.BOUGHT_PAPERS),
    ("完成练习册。", I.BOUGHT_PAPERS),
    ("每天做一张数学试卷", I.BOUGHT_PAPERS),
    ("请购买教辅并完成", I.BOUGHT_PAPERS),
    ("Do the whole test paper tonight.", I.BOUGHT_PAPERS),
    ("Complete the workbook by Monday.", I.BOUGHT_PAPERS),
    ("Take a full practice test at home.", I.BOUGHT_PAPERS),
    ("Решить весь сборник к концу недели.", I.BOUGHT_PAPERS),
    ("Решить целый вариант ЕГЭ.", I.BOUGHT_PAPERS),
    ("Целый вариант контрольной на дом.", I.BOUGHT_PAPERS),
    ("Заполнить всю рабочую тетрадь.", I.BOUGHT_PAPERS),
    # --- assigned or submitted via chat apps (item 7) ---
    ("作业发到微信群", I.VIA_CHAT_APPS),
    ("完成后拍照发QQ群", I.VIA_CHAT_APPS),
    ("在钉钉上提交作文", I.VIA_CHAT_APPS),
    ("今天的作业见班级群", I.VIA_CHAT_APPS),
    ("每天在小程序打卡", I.VIA_CHAT_APPS),
    ("Post your answers in the WeChat group.", I.VIA_CHAT_APPS),
    ("Send a photo of your homework to the class chat.", I.VIA_CHAT_APPS),
    ("Submit via WhatsApp by 8 pm.", I.VIA_CHAT_APPS),
    ("Ответы прислать в чате класса.", I.VIA_CHAT_APPS),
    ("Скиньте фото работы в вотсапе.", I.VIA_CHAT_APPS),
    ("Задание в родительском чате.", I.VIA_CHAT_APPS),
    # --- rankings / results published (item 8) ---
    ("按成绩排名", I.PUBLISHED_IN_GROUPS),
    ("明天公布成绩", I.PUBLISHED_IN_GROUPS),
    ("考试后晒分数", I.PUBLISHED_IN_GROUPS),
    ("The class ranking will be updated weekly.", I.PUBLISHED_IN_GROUPS),
    ("I will post the scores on the leaderboard.", I.PUBLISHED_IN_GROUPS),
    ("Рейтинг класса по итогам теста.", I.PUBLISHED_IN_GROUPS),
    ("Оценки опубликую завтра; список не сдавших тоже.", I.PUBLISHED_IN_GROUPS),
]

NEGATIVES: list[str] = [
    # Chinese
    "朗读课文两遍",
    "把课文读三遍",
    "写完作文后朗读三遍",
    "生字抄写两遍",
    "抄写课文一遍",
    "请准备好签字笔和尺子",
    "家长准备签字笔",
    "家长督促孩子完成书面作业",
    "和家长一起读一本书",
    "和爸爸妈妈一起做家务",
    "采访爸爸妈妈小时候的故事",
    "完成练习册第5页",
    "完成练习册上的第三题",
    "整本书阅读:《西游记》",
    "做一套广播体操",
    "以下名单排名不分先后",
    "老师批改后发还",
    "制作一份手抄报",
    # English
    "Read the text twice.",
    "Read the poem three times aloud.",
    "Write the new words, then read them 3 times.",
    "Copy the words twice.",
    "Write in your journal 3 times a week.",
    "Learn the 3 times table.",
    "Ask your parents about their childhood.",
    "Interview your parents about their first job.",
    "What do your parents do for work?",
    "Your parents do not need to help.",
    "Complete workbook page 12, exercises 1-3.",
    "The whole class will visit the museum.",
    "Sign up for the chess club.",
    "Make a postcard with pictures of your town.",
    "Work in a class group project on Friday.",
    "Share your experiment results with a partner.",
    # Russian
    "Прочитать текст два раза.",
    "Прочитать стихотворение три раза.",
    "Переписать упражнение 2 раза.",
    "Спросите родителей об их детстве.",
    "Расскажите родителям, что узнали на уроке.",
    "Прочитать вместе с родителями сказку.",
    "Выполнить задания 1-5 из сборника.",
    "Работа в группах на уроке.",
    "Написать сочинение 2 раза в неделю.",
    "",
]


@pytest.mark.parametrize(("text", "item"), POSITIVES)
def test_positive_finds_item(text: str, item: NegativeItem) -> None:
    hints = find_hints(text)
    assert [h.item for h in hints] == [item], hints
    assert hints[0].match
    assert hints[0].match in text


@pytest.mark.parametrize("text", NEGATIVES)
def test_negative_finds_nothing(text: str) -> None:
    assert find_hints(text) == []


# Realistic wordings per item (mostly Chinese class notices, some Russian and English).
# A text that also names a chat group is expected to hint item 7 beside its own item.
TRIGGERS: list[tuple[str, tuple[NegativeItem, ...]]] = [
    # --- 1. beyond the curriculum, ahead of teaching ---
    ("数学：提前预习下册第一单元，完成课后练习", (I.BEYOND_CURRICULUM,)),
    ("全班完成奥数思维训练第3讲", (I.BEYOND_CURRICULUM,)),
    ("英语：提前学习初中的语法知识，完成学案", (I.BEYOND_CURRICULUM,)),
    ("今天的数学作业是两道竞赛题，大家认真思考", (I.BEYOND_CURRICULUM,)),
    ("请同学们自学还没讲过的第六单元", (I.BEYOND_CURRICULUM,)),
    ("拓展题全班必做，明天检查", (I.BEYOND_CURRICULUM,)),
    ("超纲内容：二次函数图像，完成学案第1页", (I.BEYOND_CURRICULUM,)),
    ("提前学完五年级下学期的分数乘法", (I.BEYOND_CURRICULUM,)),
    ("每人完成一道高中难度的物理题", (I.BEYOND_CURRICULUM,)),
    ("数学培优卷，全班都要做", (I.BEYOND_CURRICULUM,)),
    ("华杯赛练习第5-8题", (I.BEYOND_CURRICULUM,)),
    ("课后练习：初中阶段的知识点，大家先自学", (I.BEYOND_CURRICULUM,)),
    ("Решить олимпиадные задачи № 1–5.", (I.BEYOND_CURRICULUM,)),
    ("Изучить тему следующей четверти: дроби.", (I.BEYOND_CURRICULUM,)),
    ("Задание на опережение: параграф 12.", (I.BEYOND_CURRICULUM,)),
    ("Everyone: try the olympiad problem on page 4.", (I.BEYOND_CURRICULUM,)),
    ("Read ahead and do next year's chapter on fractions.", (I.BEYOND_CURRICULUM,)),
    # --- 2. more than the day's time limit ---
    ("今晚数学作业约需2小时，请认真完成", (I.OVER_TIME_LIMIT,)),
    ("语文作业预计120分钟", (I.OVER_TIME_LIMIT,)),
    ("英语作业较多，大约两个半小时", (I.OVER_TIME_LIMIT,)),
    ("写不完不准睡觉", (I.OVER_TIME_LIMIT,)),
    ("今天的作业比较多，请家长督促", (I.OVER_TIME_LIMIT,)),
    ("不写完不许睡觉，明天检查", (I.OVER_TIME_LIMIT,)),
    ("无论多晚都要把作业写完", (I.OVER_TIME_LIMIT,)),
    ("作业量较大，预计三个小时完成", (I.OVER_TIME_LIMIT,)),
    ("熬夜也要把错题订正完", (I.OVER_TIME_LIMIT,)),
    ("周末作业加倍", (I.OVER_TIME_LIMIT,)),
    ("完成后才能睡觉，家长注意", (I.OVER_TIME_LIMIT,)),
    ("今天的作业需要写到晚上十点", (I.OVER_TIME_LIMIT,)),
    ("多布置了两页练习，今晚必须完成", (I.OVER_TIME_LIMIT,)),
    ("This worksheet will take about 3 hours.", (I.OVER_TIME_LIMIT,)),
    ("Finish it tonight no matter how long it takes.", (I.OVER_TIME_LIMIT,)),
    ("Домашнее задание займёт около двух часов.", (I.OVER_TIME_LIMIT,)),
    ("Не ложитесь спать, пока не решите все задачи.", (I.OVER_TIME_LIMIT,)),
    # --- 3. not first done by the teacher; odd, tricky or wrong questions ---
    ("数学：完成三道压轴题", (I.NOT_PRETESTED,)),
    ("附加题是偏题怪题，大家尽量做", (I.NOT_PRETESTED,)),
    ("今天布置几道难题，挑战一下", (I.NOT_PRETESTED,)),
    ("自己上网找5道应用题来做", (I.NOT_PRETESTED,)),
    ("在网上搜几道练习题做一做", (I.NOT_PRETESTED,)),
    ("卷子上第5题有错，大家自己改一下", (I.NOT_PRETESTED,)),
    ("这份练习老师也没做过，题目可能有误", (I.NOT_PRETESTED,)),
    ("今天的思考题超难，做不出来也没关系", (I.NOT_PRETESTED,)),
    ("试卷答案可能有误，仅供参考", (I.NOT_PRETESTED,)),
    ("烧脑题三道，明天交", (I.NOT_PRETESTED,)),
    ("自己找几道题练一练", (I.NOT_PRETESTED,)),
    ("偏难怪题一张", (I.NOT_PRETESTED,)),
    ("Tonight: five tricky questions on fractions.", (I.NOT_PRETESTED,)),
    ("Find some practice problems online and solve them.", (I.NOT_PRETESTED,)),
    ("The answer key may contain errors.", (I.NOT_PRETESTED,)),
    ("Решить задачи повышенной сложности № 10–12.", (I.NOT_PRETESTED,)),
    ("Найдите пять задач в интернете и решите их.", (I.NOT_PRETESTED,)),
    # --- 4. punitive, repetitive, arbitrary ---
    ("错的生字每个抄写十遍", (I.PUNITIVE_REPETITIVE,)),
    ("听写错的词语罚抄20遍", (I.PUNITIVE_REPETITIVE,)),
    ("没完成的同学明天加倍", (I.PUNITIVE_REPETITIVE,)),
    ("英语单词每个写8行", (I.PUNITIVE_REPETITIVE,)),
    ("课文抄写三遍，字迹潦草的重抄", (I.PUNITIVE_REPETITIVE,)),
    ("作文写得不认真的全部重写", (I.PUNITIVE_REPETITIVE,)),
    ("重复抄写本课生字", (I.PUNITIVE_REPETITIVE,)),
    ("错题抄写五遍并订正", (I.PUNITIVE_REPETITIVE,)),
    ("古诗默写不过关的罚写十遍", (I.PUNITIVE_REPETITIVE,)),
    ("每个生字写二十个", (I.PUNITIVE_REPETITIVE,)),
    ("把写错的字抄三页", (I.PUNITIVE_REPETITIVE,)),
    ("上课讲话的同学把课文抄写五遍", (I.PUNITIVE_REPETITIVE,)),
    ("Write each misspelled word 10 times.", (I.PUNITIVE_REPETITIVE,)),
    ("Rewrite the whole essay because of the mistakes.", (I.PUNITIVE_REPETITIVE,)),
    ("За каждую ошибку переписать слово пять раз.", (I.PUNITIVE_REPETITIVE,)),
    ("Пропиши каждую букву по 5 строчек.", (I.PUNITIVE_REPETITIVE,)),
    # --- 5. whole sets of test papers or workbooks ---
    ("购买《必刷题》并完成第一章", (I.BOUGHT_PAPERS,)),
    ("请打印附件中的期末试卷并完成", (I.BOUGHT_PAPERS,)),
    ("成套练习册第一单元", (I.BOUGHT_PAPERS,)),
    ("完成一整套数学模拟题", (I.BOUGHT_PAPERS,)),
    ("每天做两张卷子", (I.BOUGHT_PAPERS,)),
    ("统一购买同步练习册，每天做两页", (I.BOUGHT_PAPERS,)),
    ("复印真题卷三份，周末完成", (I.BOUGHT_PAPERS,)),
    ("练习册全部完成，周一上交", (I.BOUGHT_PAPERS,)),
    ("数学：完成单元测试卷", (I.BOUGHT_PAPERS,)),
    ("周末完成三套中考真题", (I.BOUGHT_PAPERS,)),
    ("买一本五年中考三年模拟", (I.BOUGHT_PAPERS,)),
    ("打印一套完整的语文试卷", (I.BOUGHT_PAPERS,)),
    ("Buy the revision guide and do the full practice paper.", (I.BOUGHT_PAPERS,)),
    ("Print out the past papers pack and complete it.", (I.BOUGHT_PAPERS,)),
    ("Купить сборник ОГЭ и решить вариант 3.", (I.BOUGHT_PAPERS,)),
    ("Распечатать пробник и решить полностью.", (I.BOUGHT_PAPERS,)),
    # --- 6. parents must complete it or do part of it ---
    ("科学小实验：亲子共同完成，拍照留存", (I.PARENTS_COMPLETE,)),
    ("手工作业请家长协助完成", (I.PARENTS_COMPLETE,)),
    ("需家长配合完成调查问卷", (I.PARENTS_COMPLETE,)),
    ("和爸爸妈妈一起完成家庭树", (I.PARENTS_COMPLETE,)),
    ("请家长给孩子听写第三单元词语", (I.PARENTS_COMPLETE,)),
    ("请家长打印学习单，孩子完成后带回", (I.PARENTS_COMPLETE,)),
    ("在家长的指导下制作一个小台灯", (I.PARENTS_COMPLETE,)),
    ("家长和孩子一起搜集春节习俗资料", (I.PARENTS_COMPLETE,)),
    ("亲子手抄报：以环保为主题", (I.PARENTS_COMPLETE,)),
    ("调查表由家长填写", (I.PARENTS_COMPLETE,)),
    ("请家长帮孩子做一个地球仪模型", (I.PARENTS_COMPLETE,)),
    ("请爸爸妈妈陪同完成社会实践记录", (I.PARENTS_COMPLETE,)),
    ("Family project: build a bird feeder with your dad.", (I.PARENTS_COMPLETE,)),
    ("Parents will need to help with the model volcano.", (I.PARENTS_COMPLETE,)),
    ("Родители диктуют ребёнку слова из словаря.", (I.PARENTS_COMPLETE,)),
    ("Семейный проект «Моя родословная».", (I.PARENTS_COMPLETE,)),
    # --- 7. through WeChat, QQ, DingTalk groups, apps ---
    ("朗读课文，拍照上传到APP打卡", (I.VIA_CHAT_APPS,)),
    ("背诵古诗，录视频发到群里", (I.VIA_CHAT_APPS,)),
    ("每天在一起作业完成口算练习", (I.VIA_CHAT_APPS,)),
    ("完成后在家校本提交", (I.VIA_CHAT_APPS,)),
    ("英语听力在线完成", (I.VIA_CHAT_APPS,)),
    ("作业完成后拍照发给老师", (I.VIA_CHAT_APPS,)),
    ("群里接龙报告完成情况", (I.VIA_CHAT_APPS, I.PUBLISHED_IN_GROUPS)),
    ("今天的作业在钉钉家校本查看", (I.VIA_CHAT_APPS,)),
    ("读书打卡：每天上传朗读音频", (I.VIA_CHAT_APPS,)),
    ("录音提交到学习通", (I.VIA_CHAT_APPS,)),
    ("周末作业已发在班级群，请查收", (I.VIA_CHAT_APPS,)),
    ("作业答案发到QQ群", (I.VIA_CHAT_APPS,)),
    ("Upload a photo of your worksheet to the app.", (I.VIA_CHAT_APPS,)),
    ("Submit your answers on Google Classroom.", (I.VIA_CHAT_APPS,)),
    ("Загрузите выполненную работу на платформу.", (I.VIA_CHAT_APPS,)),
    ("Фото тетради пришлите в Сферум.", (I.VIA_CHAT_APPS,)),
    # --- 8. status, marks, praise or criticism published ---
    ("明天公布听写成绩和排名", (I.PUBLISHED_IN_GROUPS,)),
    ("优秀作业将在班级群展示", (I.VIA_CHAT_APPS, I.PUBLISHED_IN_GROUPS)),
    ("未交作业名单明天公示", (I.PUBLISHED_IN_GROUPS,)),
    ("本周将通报作业完成情况", (I.PUBLISHED_IN_GROUPS,)),
    ("单元测试前十名发奖状", (I.PUBLISHED_IN_GROUPS,)),
    ("晒一晒你的满分作业", (I.PUBLISHED_IN_GROUPS,)),
    ("没完成作业的同学名单发家长群", (I.VIA_CHAT_APPS, I.PUBLISHED_IN_GROUPS)),
    ("本次测验按分数排名次", (I.PUBLISHED_IN_GROUPS,)),
    ("点名批评作业马虎的同学", (I.PUBLISHED_IN_GROUPS,)),
    ("作业光荣榜每周更新", (I.PUBLISHED_IN_GROUPS,)),
    ("表扬作业认真的同学，照片发群里", (I.VIA_CHAT_APPS, I.PUBLISHED_IN_GROUPS)),
    ("公布各小组作业得分", (I.PUBLISHED_IN_GROUPS,)),
    ("I will post everyone's test scores tomorrow.", (I.PUBLISHED_IN_GROUPS,)),
    ("The top five students will get a prize.", (I.PUBLISHED_IN_GROUPS,)),
    ("Опубликую результаты контрольной завтра.", (I.PUBLISHED_IN_GROUPS,)),
    ("Список должников вывешу на доске.", (I.PUBLISHED_IN_GROUPS,)),
    # --- 9. parents or students mark it; a parent's signature as proof ---
    ("口算题卡学生自批自改", (I.PARENTS_MARK,)),
    ("同桌互批听写本", (I.PARENTS_MARK,)),
    ("家长检查并订正数学作业", (I.PARENTS_MARK,)),
    ("家长批改后签字", (I.PARENTS_MARK,)),
    ("对照答案自己批改", (I.PARENTS_MARK,)),
    ("答案已给出，请自行核对答案", (I.PARENTS_MARK,)),
    ("小组长负责批改组员作业", (I.PARENTS_MARK,)),
    ("请家长在作业本上签字", (I.PARENTS_MARK,)),
    ("试卷订正后家长签名", (I.PARENTS_MARK,)),
    ("课代表批改同学的周记", (I.PARENTS_MARK,)),
    ("自己对答案，错的订正", (I.PARENTS_MARK,)),
    ("互改作文，写上评语", (I.PARENTS_MARK,)),
    ("Swap notebooks with a partner and mark each other's work.", (I.PARENTS_MARK,)),
    ("Parents, please check and correct the spelling.", (I.PARENTS_MARK,)),
    ("Проверьте друг у друга по ответам в конце учебника.", (I.PARENTS_MARK,)),
    ("Пусть мама проверит и исправит ошибки.", (I.PARENTS_MARK,)),
    # --- 10. not marked, marked carelessly, one-size evaluation ---
    ("这次作业老师不批改", (I.NOT_MARKED,)),
    ("练习册不收，做完就行", (I.NOT_MARKED,)),
    ("只布置不批改，学生自觉完成", (I.NOT_MARKED,)),
    ("老师只检查是否完成", (I.NOT_MARKED,)),
    ("本次作业不讲评", (I.NOT_MARKED,)),
    ("抽查五本作业本批改", (I.NOT_MARKED,)),
    ("作业一律打优", (I.NOT_MARKED,)),
    ("我这周没时间批改，大家互相督促", (I.NOT_MARKED,)),
    ("作文暂不批改", (I.NOT_MARKED,)),
    ("老师不收作业，家长督促即可", (I.NOT_MARKED,)),
    ("试卷不用交，自己看看", (I.NOT_MARKED,)),
    ("只看有没有写", (I.NOT_MARKED,)),
    ("This worksheet won't be marked.", (I.NOT_MARKED,)),
    ("I'll only check that it's done.", (I.NOT_MARKED,)),
    ("Тетради не собираю, проверять не буду.", (I.NOT_MARKED,)),
    ("Проверю выборочно у пяти человек.", (I.NOT_MARKED,)),
]

# Ordinary homework, negations and layered choices among it: no hint at all.
ORDINARY: list[str] = [
    "不需要家长签字",
    "无需打印，直接在练习本上完成",
    "A、B两套题任选一套",
    "两套试卷任选一套完成",
    "严禁家长代批作业",
    "不要求家长批改",
    "家长无需检查作业",
    "无需拍照上传，明天带到学校",
    "不用打卡",
    "请勿在群里发作业答案",
    "不得公布学生成绩和排名",
    "写完作业按时睡觉，不要熬夜",
    "不必抄写，读熟即可",
    "不需要购买任何教辅",
    "家长不必打印任何材料",
    "不需要家长签字，也不用拍照",
    "选做：一套模拟卷",
    "学有余力的同学可选做奥数拓展题",
    "难题选做，基础题必做",
    "分层作业：A层完成第1-3题，B层完成第1-5题",
    "练习册第12页，20分钟",
    "数学：课本第45页第3、4题",
    "朗读课文三遍，背诵第二自然段",
    "生字每个写两遍，组两个词",
    "阅读《草房子》第三章，30分钟",
    "口算练习10道，5分钟",
    "订正试卷上的错题",
    "英语：听录音跟读Unit 3，15分钟",
    "完成课堂练习剩下的两道题",
    "家长督促孩子按时睡觉",
    "作业在校内完成，回家不留书面作业",
    "语文：预习第5课，圈出生字",
    "亲子阅读20分钟",
    "科学：观察月亮的变化，画在记录本上",
    "跳绳200个，运动1小时",
    "No need to print anything.",
    "Parent signature not required.",
    "Do not post answers in the class chat.",
    "Optional: a full practice test for extra practice.",
    "Read chapter 4 and write three sentences about it.",
    "Don't forget: no parent signature needed.",
    "Подпись родителей не нужна.",
    "Распечатывать ничего не нужно.",
    "Решить № 5, 6 на с. 34.",
    "По желанию: решить полный вариант ОГЭ.",
    "Не нужно присылать фото в чат.",
    "Выучить стихотворение, родители не проверяют.",
]


@pytest.mark.parametrize(("text", "items"), TRIGGERS)
def test_realistic_wording_filed_under_its_item(text: str, items: tuple[NegativeItem, ...]) -> None:
    hints = find_hints(text)
    assert tuple(h.item for h in hints) == items, hints
    assert all(h.match and h.match in text for h in hints)


def test_at_least_fifteen_realistic_wordings_per_item() -> None:
    for item in NegativeItem:
        assert sum(item in items for _, items in TRIGGERS) >= 15, item


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_homework_has_no_hint(text: str) -> None:
    assert find_hints(text) == []


def test_at_least_forty_ordinary_texts() -> None:
    assert len(ORDINARY) >= 40


@pytest.mark.parametrize(
    ("text", "item", "quote"),
    [
        # Negation reaches to the end of its clause, not past it.
        ("不需要家长签字，但要家长批改", I.PARENTS_MARK, "家长批改"),
        ("无需打印，每个字抄写10遍", I.PUNITIVE_REPETITIVE, "抄写10遍"),
        (
            "No need to print. Copy the rule 5 times.",
            I.PUNITIVE_REPETITIVE,
            "Copy the rule 5 times",
        ),
        # "Don't forget" is not a negation.
        ("不要忘记请家长签字", I.PARENTS_MARK, "家长签字"),
        # A "not" after the phrase that is not "not needed", or a plain 不, negates nothing.
        ("每个字写10遍不要写错", I.PUNITIVE_REPETITIVE, "写10遍"),
        ("不完成的罚抄十遍", I.PUNITIVE_REPETITIVE, "抄十遍"),
        ("没有家长签字的作业不收", I.PARENTS_MARK, "家长签字"),
        ("Don't forget the parent signature.", I.PARENTS_MARK, "parent signature"),
        ("Не забудьте подпись родителей.", I.PARENTS_MARK, "подпись родителей"),
        # A choice excuses whole sets and extension work, never punitive copying.
        ("选做：每个字抄写10遍", I.PUNITIVE_REPETITIVE, "抄写10遍"),
        ("必做：一套试卷，选做：阅读", I.BOUGHT_PAPERS, "一套试卷"),
    ],
)
def test_negation_and_choice_scope(text: str, item: NegativeItem, quote: str) -> None:
    assert find_hints(text) == [Hint(item, quote)]


@pytest.mark.parametrize(
    "text",
    ["家长签字不需要", "Parent signature is not needed.", "Распечатывать вариант не нужно."],
)
def test_negation_after_the_phrase(text: str) -> None:
    assert find_hints(text) == []


# --- the kind check: a piece declared reading/oral/practical/other that reads written ---

WRITTEN_TEXTS: list[str] = [
    "抄写生字三遍",
    "完成练习册第12页",
    "数学试卷一张",
    "写一篇300字的作文",
    "口算题卡20道",
    "做第5题",
    "默写古诗《静夜思》",
    "听写第三单元词语",
    "计算题10道",
    "田字格写生字",
    "Complete the worksheet on fractions.",
    "Write an essay about your summer.",
    "Workbook p. 12",
    "Solve the problems on page 40.",
    "Упражнение 5 письменно.",
    "Решить задачи № 3–5.",
    "Написать сочинение о весне.",
    "Диктант по словарным словам.",
]

NOT_WRITTEN_TEXTS: list[str] = [
    "朗读课文三遍",
    "背诵古诗《春晓》",
    "阅读《西游记》第一回",
    "跳绳200个",
    "整理书包，帮妈妈做家务",
    "观察月亮，和家人聊一聊",
    "口头回答课后第3题",
    "读一读自己的作文",
    "不用抄写，读熟即可",
    "Read chapter 3 aloud.",
    "Practise the dialogue with a partner.",
    "Answer questions 1-3 orally.",
    "Прочитать рассказ вслух.",
    "Выучить стихотворение наизусть.",
    "Упражнение 5 устно.",
    "Пересказать текст.",
]


@pytest.mark.parametrize("text", WRITTEN_TEXTS)
def test_looks_written(text: str) -> None:
    assert looks_written(text)
    assert kind_hint(HomeworkKind.READING, text) == written_signal(text)
    assert kind_hint(HomeworkKind.WRITTEN, text) is None


@pytest.mark.parametrize("text", NOT_WRITTEN_TEXTS)
def test_does_not_look_written(text: str) -> None:
    assert not looks_written(text)
    assert kind_hint(HomeworkKind.ORAL, text) is None


def test_kind_hint_quotes_the_text() -> None:
    assert kind_hint("other", "田字格写生字") == "田字格"


def test_match_quotes_original_fullwidth_text() -> None:
    assert find_hints("生字抄写１０遍。") == [Hint(I.PUNITIVE_REPETITIVE, "抄写１０遍")]


def test_repetition_scans_past_small_counts() -> None:
    hints = find_hints("Copy it twice, then copy the word list 5 times.")
    assert [h.item for h in hints] == [I.PUNITIVE_REPETITIVE]
    assert hints[0].match.endswith("5 times")


def test_several_items_one_hint_each_in_list_order() -> None:
    text = "整套试卷做完后家长签字,并拍照发到微信群。家长签名!抄写十遍,按成绩排名。"
    assert [h.item for h in find_hints(text)] == [
        I.PUNITIVE_REPETITIVE,
        I.BOUGHT_PAPERS,
        I.VIA_CHAT_APPS,
        I.PUBLISHED_IN_GROUPS,
        I.PARENTS_MARK,
    ]


def test_case_insensitive() -> None:
    assert [h.item for h in find_hints("PARENT SIGNATURE REQUIRED")] == [I.PARENTS_MARK]
    assert [h.item for h in find_hints("ПОДПИСЬ РОДИТЕЛЕЙ")] == [I.PARENTS_MARK]


def test_normalize_keeps_length() -> None:
    text = "ＱＱ群１２３　家長簽字"
    assert normalize(text) == "QQ群123 家长签字"
    assert len(normalize(text)) == len(text)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十五", 25),
        ("两", 2),
        ("一百", 100),
        ("百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百五", 150),
        ("三千零五十", 3050),
        ("零", 0),
        (" 九 ", 9),
    ],
)
def test_chinese_numeral_to_int(numeral: str, value: int) -> None:
    assert chinese_numeral_to_int(numeral) == value


@pytest.mark.parametrize("bad", ["", "二三", "十十", "百十", "一零", "二十零", "五遍", "12", "abc"])
def test_chinese_numeral_to_int_rejects(bad: str) -> None:
    assert chinese_numeral_to_int(bad) is None


def test_negative_item_order_and_numbers() -> None:
    assert [i.value for i in NegativeItem] == [
        "beyond_curriculum",
        "over_time_limit",
        "not_pretested",
        "punitive_repetitive",
        "bought_papers",
        "parents_complete",
        "via_chat_apps",
        "published_in_groups",
        "parents_mark",
        "not_marked",
    ]
    assert [i.number for i in NegativeItem] == list(range(1, 11))


def test_complaint_categories_map_one_to_one() -> None:
    assert len(ComplaintCategory) == 15
    for item in NegativeItem:
        category = ComplaintCategory.from_item(item)
        assert category.value == item.value
        assert category.negative_item is item
    extras = [c for c in ComplaintCategory if c.negative_item is None]
    assert [c.value for c in extras] == [
        "total_load",
        "exams_rankings",
        "off_campus_tutoring",
        "paid_tutoring",
        "other",
    ]
