// Phrase tables for the demo newsroom, English and Russian side by side: entry i of one
// language says what entry i of the other says, so a story and its translation match.
#pragma once
#include <array>
#include <string_view>

namespace herald::demo {

struct Pair {
  std::string_view en;
  std::string_view ru;
};

struct SectionSpec {
  std::string_view slug_en, slug_ru;
  Pair name, description;
  std::array<Pair, 6> headlines;
};

inline constexpr std::array<SectionSpec, 6> kSections = {{
    {"world",
     "mir",
     {"World", "Мир"},
     {"Diplomacy, conflicts and the news from every continent.",
      "Дипломатия, конфликты и новости со всех континентов."},
     {{{"Talks in {city} end with a draft agreement on border crossings",
        "Переговоры в городе {city} завершились проектом соглашения о пограничных переходах"},
       {"Envoys meet in {city} as the ceasefire holds",
        "Посланники встретились в городе {city}: режим прекращения огня соблюдается"},
       {"Flooding forces thousands from their homes near {city}",
        "Наводнение вынудило тысячи жителей покинуть дома близ города {city}"},
       {"{org} pledges aid after the earthquake in {city}",
        "«{org}» обещает помощь после землетрясения в городе {city}"},
       {"Summit in {city} agrees on a shared plan for ports and railways",
        "Саммит в городе {city} согласовал общий план развития портов и железных дорог"},
       {"Election observers arrive in {city} ahead of Sunday's vote",
        "Наблюдатели прибыли в город {city} накануне воскресного голосования"}}}},
    {"russia",
     "rossiya",
     {"Russia", "Россия"},
     {"Politics, society and the regions of Russia.", "Политика, общество и регионы России."},
     {{{"Regional government in {city} approves a new budget for schools",
        "Региональное правительство в городе {city} утвердило новый бюджет для школ"},
       {"Winter roads open early across the north after a cold November",
        "Зимники на севере открылись раньше срока после холодного ноября"},
       {"New bridge in {city} opens to traffic after three years of work",
        "Новый мост в городе {city} открыт для движения после трёх лет строительства"},
       {"Museum in {city} puts a restored collection of icons back on display",
        "Музей в городе {city} вернул в экспозицию отреставрированную коллекцию икон"},
       {"Faster trains to run between {city} and {city2}",
        "Между городами {city} и {city2} пустят более быстрые поезда"},
       {"Volunteers in {city} clean the riverbank before the frost",
        "Волонтёры в городе {city} очистили берег реки до наступления морозов"}}}},
    {"defense",
     "oborona",
     {"Defense", "Оборона"},
     {"Armed forces, security and arms control.",
      "Вооружённые силы, безопасность и контроль над вооружениями."},
     {{{"Defense ministry reports the end of exercises near {city}",
        "Министерство обороны сообщило о завершении учений близ города {city}"},
       {"Arms control talks resume in {city} after a long pause",
        "Переговоры о контроле над вооружениями возобновились в городе {city} после долгой паузы"},
       {"Navy completes sea trials of a new patrol ship",
        "ВМФ завершил ходовые испытания нового патрульного корабля"},
       {"Military budget to grow by {pct}% next year, draft shows",
        "Военный бюджет в следующем году вырастет на {pct}%, следует из проекта"},
       {"Air defense units train to protect the port of {city}",
        "Подразделения ПВО отработали защиту порта в городе {city}"},
       {"Veterans in {city} gather to remember the fallen",
        "Ветераны в городе {city} собрались, чтобы почтить память павших"}}}},
    {"politics",
     "politika",
     {"Politics", "Политика"},
     {"Governments, elections and the people who run them.",
      "Правительства, выборы и люди, которые ими управляют."},
     {{{"Parliament passes the housing bill after a late-night session",
        "Парламент принял законопроект о жилье после ночного заседания"},
       {"A new candidate enters the race for mayor of {city}",
        "Новый кандидат вступил в борьбу за пост мэра города {city}"},
       {"Coalition talks stall over the energy tax",
        "Переговоры о коалиции зашли в тупик из-за налога на энергоносители"},
       {"Turnout reaches {pct}% in the regional election",
        "Явка на региональных выборах составила {pct}%"},
       {"Government unveils a plan to cut red tape for small firms",
        "Правительство представило план по сокращению бюрократии для малого бизнеса"},
       {"Opposition calls for an inquiry into the port contract in {city}",
        "Оппозиция потребовала расследовать контракт на строительство порта в городе {city}"}}}},
    {"economy",
     "ekonomika",
     {"Economy", "Экономика"},
     {"Markets, trade, energy and money.", "Рынки, торговля, энергетика и финансы."},
     {{{"Inflation slows to {pct}% as food prices ease",
        "Инфляция замедлилась до {pct}% на фоне снижения цен на продукты"},
       {"{org} opens a factory in {city}, creating jobs",
        "Компания «{org}» открыла завод в городе {city} и создала новые рабочие места"},
       {"Central bank holds its key rate and signals caution",
        "Центробанк сохранил ключевую ставку и призвал к осторожности"},
       {"Grain exports rise {pct}% on a strong harvest",
        "Экспорт зерна вырос на {pct}% благодаря высокому урожаю"},
       {"Shares in {org} jump after record quarterly results",
        "Акции компании «{org}» подскочили после рекордных квартальных результатов"},
       {"Port of {city} handles a record volume of cargo",
        "Порт города {city} обработал рекордный объём грузов"}}}},
    {"science",
     "nauka",
     {"Science", "Наука"},
     {"Space, climate, medicine and discovery.", "Космос, климат, медицина и открытия."},
     {{{"Telescope spots a water-rich comet heading for the inner solar system",
        "Телескоп обнаружил богатую водой комету, летящую к внутренним областям Солнечной системы"},
       {"Researchers in {city} grow heart tissue from skin cells",
        "Исследователи в городе {city} вырастили ткань сердца из клеток кожи"},
       {"Launch puts a new weather satellite into orbit",
        "Запуск вывел на орбиту новый метеорологический спутник"},
       {"Arctic sea ice measured at {pct}% below the long-term average",
        "Площадь арктического льда оказалась на {pct}% ниже многолетней нормы"},
       {"Scientists decode the genome of an ancient wheat variety",
        "Учёные расшифровали геном древнего сорта пшеницы"},
       {"Physics lab in {city} sets a record for the coldest gas",
        "Физическая лаборатория в городе {city} установила рекорд самого холодного газа"}}}},
}};

inline constexpr std::array<Pair, 8> kCities = {{{"Northport", "Нортпорт"},
                                                 {"Valmora", "Вальмора"},
                                                 {"Eastbridge", "Истбридж"},
                                                 {"Korsk", "Корск"},
                                                 {"Lindale", "Линдейл"},
                                                 {"Tervana", "Тервана"},
                                                 {"Marisk", "Мариск"},
                                                 {"Odelburg", "Одельбург"}}};

inline constexpr std::array<std::string_view, 6> kOrgs = {"Nordline",        "Altaris Energy",
                                                          "Boreal Systems",  "Kestrel Agro",
                                                          "Polaris Freight", "Meridian Bank"};

inline constexpr std::array<Pair, 6> kPeople = {{{"Anna Veles", "Анна Велес"},
                                                 {"Mark Doran", "Марк Доран"},
                                                 {"Irina Solvay", "Ирина Сольвей"},
                                                 {"Pavel Kestrin", "Павел Кестрин"},
                                                 {"Lena Hart", "Лена Харт"},
                                                 {"Oleg Marren", "Олег Маррен"}}};

inline constexpr std::array<Pair, 4> kRoles = {
    {{"a regional official", "представитель региональных властей"},
     {"an independent analyst", "независимый аналитик"},
     {"the project's chief engineer", "главный инженер проекта"},
     {"a local resident", "местный житель"}}};

inline constexpr std::array<Pair, 6> kSummaries = {
    {{"Officials said the decision would take effect within weeks.",
      "По словам официальных лиц, решение вступит в силу в ближайшие недели."},
     {"The move follows months of negotiations and public debate.",
      "Этот шаг последовал за месяцами переговоров и общественных дискуссий."},
     {"Experts say the outcome could shape the region for years.",
      "По мнению экспертов, итог может определить развитие региона на годы вперёд."},
     {"Residents and businesses are watching closely.",
      "Жители и предприниматели внимательно следят за развитием событий."},
     {"Details are expected to be published later this week.",
      "Подробности, как ожидается, будут опубликованы позже на этой неделе."},
     {"The decision was welcomed by some and criticised by others.",
      "Одни приветствовали это решение, другие его раскритиковали."}}};

inline constexpr std::array<Pair, 16> kSentences = {
    {{"The announcement came after a meeting that lasted most of the day.",
      "Заявление прозвучало после встречи, которая продолжалась почти весь день."},
     {"Officials in {city} said they expected the first results within weeks.",
      "Официальные лица в городе {city} заявили, что ожидают первых результатов в течение "
      "нескольких недель."},
     {"According to preliminary figures, the change affects about {n} thousand people.",
      "По предварительным данным, изменения затронут около {n} тыс. человек."},
     {"Critics argued that the plan left too many questions unanswered.",
      "Критики заявили, что план оставляет слишком много вопросов без ответа."},
     {"Supporters called it a long overdue step.", "Сторонники назвали это давно назревшим шагом."},
     {"The figures were published on the official website.",
      "Данные были опубликованы на официальном сайте."},
     {"Analysts at {org} said the effect would be felt gradually.",
      "Аналитики компании «{org}» считают, что эффект будет ощущаться постепенно."},
     {"Local residents told Herald that they had waited for this for years.",
      "Местные жители рассказали «Геральду», что ждали этого годами."},
     {"A spokesperson declined to comment on the timing.",
      "Представитель ведомства отказался комментировать сроки."},
     {"The next round of talks is scheduled for early next month.",
      "Следующий раунд переговоров запланирован на начало следующего месяца."},
     {"The weather added to the difficulties on the ground.",
      "Погодные условия добавили трудностей на месте."},
     {"Costs have risen by about {pct}% since last year.",
      "С прошлого года расходы выросли примерно на {pct}%."},
     {"Independent experts have been invited to review the data.",
      "Для проверки данных пригласили независимых экспертов."},
     {"The authorities promised to publish a detailed report.",
      "Власти пообещали опубликовать подробный отчёт."},
     {"It is the largest project of its kind in the region.",
      "Это крупнейший проект такого рода в регионе."},
     {"Similar measures were tried in {city2} with mixed results.",
      "Аналогичные меры уже опробовали в городе {city2}, и результаты оказались неоднозначными."}}};

inline constexpr std::array<Pair, 5> kSubheadings = {{{"What happens next", "Что будет дальше"},
                                                      {"Background", "Предыстория"},
                                                      {"Reaction", "Реакция"},
                                                      {"The numbers", "Цифры"},
                                                      {"Questions remain", "Вопросы остаются"}}};

inline constexpr std::array<Pair, 4> kQuotes = {
    {{"We have done what we promised, and we will keep going.",
      "Мы сделали то, что обещали, и продолжим работу."},
     {"This is a practical decision, not a political one.",
      "Это практическое решение, а не политическое."},
     {"People want to see results, not speeches.", "Люди хотят видеть результаты, а не речи."},
     {"Nobody expected it to happen this quickly.",
      "Никто не ожидал, что это произойдёт так быстро."}}};

inline constexpr std::array<Pair, 3> kListHeads = {
    {{"Key points", "Главное"}, {"In brief", "Коротко"}, {"What we know", "Что известно"}}};
inline constexpr std::array<Pair, 6> kListItems = {
    {{"The plan takes effect within weeks", "План вступит в силу в ближайшие недели"},
     {"Costs are shared by the region and the state", "Расходы поделят регион и государство"},
     {"A review is due next year", "Проверка запланирована на следующий год"},
     {"Local groups will be consulted", "С местными организациями проведут консультации"},
     {"The first stage is already funded", "Первый этап уже профинансирован"},
     {"Independent monitors will report twice a year",
      "Независимые наблюдатели будут отчитываться дважды в год"}}};

inline constexpr std::array<Pair, 3> kCaptions = {
    {{"Hills above {city} at dawn", "Холмы над городом {city} на рассвете"},
     {"A view of the valley near {city}", "Вид на долину близ города {city}"},
     {"Evening light over the outskirts of {city}",
      "Вечерний свет над окрестностями города {city}"}}};
inline constexpr std::array<Pair, 3> kPhotographers = {{{"Nina Brandt", "Нина Брандт"},
                                                        {"Tomas Reyes", "Томас Рейес"},
                                                        {"Yuri Antonov", "Юрий Антонов"}}};

inline constexpr std::array<Pair, 12> kTags = {{{"Diplomacy", "Дипломатия"},
                                                {"Elections", "Выборы"},
                                                {"Energy", "Энергетика"},
                                                {"Climate", "Климат"},
                                                {"Space", "Космос"},
                                                {"Trade", "Торговля"},
                                                {"Transport", "Транспорт"},
                                                {"Health", "Здоровье"},
                                                {"Security", "Безопасность"},
                                                {"Budget", "Бюджет"},
                                                {"Culture", "Культура"},
                                                {"Arctic", "Арктика"}}};

struct AuthorSpec {
  std::string_view name;
  std::string_view bio;
};
inline constexpr std::array<AuthorSpec, 4> kAuthorsEn = {
    {{"Helen Marsh", "Diplomatic correspondent."},
     {"David Okoro", "Economics editor."},
     {"Sofia Lind", "Science and climate reporter."},
     {"James Carter", "Defense and security correspondent."}}};
inline constexpr std::array<AuthorSpec, 4> kAuthorsRu = {
    {{"Мария Орлова", "Дипломатический обозреватель."},
     {"Алексей Громов", "Редактор отдела экономики."},
     {"Екатерина Белова", "Корреспондент по науке и климату."},
     {"Дмитрий Соколов", "Военный обозреватель."}}};

}  // namespace herald::demo
