"""Demo knowledge base: standard solutions in Russian and English for the demo categories.

Idempotent: an article is created only when no article with its title exists.
"""

from __future__ import annotations

from typing import Any

from tierdesk.accounts.models import User
from tierdesk.categories.models import Category
from tierdesk.kb.models import Article, Visibility

# (category name_en, language, visibility, title, symptoms, cause, resolution, products,
#  versions, counters: offered, opened, resolved, deflected)
ARTICLES: list[tuple[str, str, str, str, str, str, str, str, str, tuple[int, int, int, int]]] = [
    (
        "Printers and MFPs",
        "ru",
        "public",
        "Принтер перестал печатать: задания висят в очереди",
        "Документы отправляются на печать, но принтер ничего не печатает. В очереди печати "
        "задания со статусом «Ошибка» или «Помещено в очередь». На принтере может гореть "
        "оранжевый индикатор.",
        "Зависла служба диспетчера печати (Print Spooler) или в очереди застряло повреждённое "
        "задание, которое блокирует остальные.",
        "Откройте «Параметры» → «Bluetooth и устройства» → «Принтеры и сканеры» и выберите "
        "принтер.\nНажмите «Открыть очередь печати» и отмените все задания.\nНажмите Win+R, "
        "введите services.msc и перезапустите службу «Диспетчер печати».\nВыключите принтер "
        "на 30 секунд и включите снова.\nНапечатайте пробную страницу. Если индикатор "
        "по-прежнему оранжевый — создайте заявку и укажите текст на дисплее принтера.",
        "HP LaserJet Pro M404dn, HP LaserJet MFP",
        "Windows 10, Windows 11",
        (214, 131, 38, 27),
    ),
    (
        "Printers and MFPs",
        "ru",
        "public",
        "МФУ замяло бумагу: ошибка 13.A2 не пропадает",
        "После замятия бумаги на дисплее МФУ остаётся ошибка 13.A2 (или «Замятие в лотке 2»), "
        "печать и сканирование недоступны, хотя лист уже извлечён.",
        "В тракте остался обрывок бумаги, или не до конца закрыта задняя крышка: датчик "
        "считает, что замятие не устранено.",
        "Выключите МФУ и отключите кабель питания.\nОткройте заднюю крышку и дверцу "
        "картриджа, достаньте картридж.\nПосветите фонариком в тракт и аккуратно извлеките "
        "обрывки бумаги, не используя острые предметы.\nПроверьте лоток 2: бумага не должна "
        "быть выше отметки.\nЗакройте все крышки до щелчка и включите МФУ.",
        "HP Color LaserJet MFP M479",
        "",
        (96, 74, 21, 15),
    ),
    (
        "Printers and MFPs",
        "en",
        "public",
        "Printer prints blank pages after the toner was replaced",
        "Right after a new toner cartridge was installed the printer feeds paper but the pages "
        "come out blank, including the test page.",
        "The orange protective tape or the transport clip is still on the new cartridge, so "
        "no toner reaches the drum.",
        "Open the front door and take the toner cartridge out.\nPull off the orange "
        "protective tape and remove the plastic transport clip.\nGently rock the cartridge "
        "side to side five or six times to spread the toner.\nPut the cartridge back and "
        "close the door.\nPrint a test page from the printer's menu.",
        "HP LaserJet",
        "",
        (58, 40, 12, 19),
    ),
    (
        "Network and VPN",
        "ru",
        "public",
        "VPN не подключается из дома: «Превышено время ожидания»",
        "Корпоративный VPN-клиент долго пытается подключиться и пишет «Превышено время "
        "ожидания» (timeout). Интернет дома при этом работает.",
        "Домашний роутер или провайдер блокирует UDP-порт VPN, либо устарел профиль "
        "подключения после смены адреса шлюза.",
        "Проверьте, что интернет работает: откройте любой сайт.\nПерезапустите VPN-клиент "
        "и выберите профиль «Office-TCP» вместо «Office-UDP».\nЕсли профиля нет — скачайте "
        "свежий профиль на портале и импортируйте его.\nОтключите на время проверки "
        "сторонний антивирус или файрвол.\nЕсли не помогло, создайте заявку и приложите "
        "снимок экрана журнала VPN-клиента.",
        "OpenVPN Connect",
        "3.x",
        (187, 120, 44, 31),
    ),
    (
        "Network and VPN",
        "ru",
        "public",
        "В офисе пропал интернет: что проверить до звонка в поддержку",
        "На всех компьютерах офиса нет интернета, на роутере не горит индикатор WAN или Internet.",
        "Обрыв на стороне провайдера, отключение питания роутера или отсоединённый кабель "
        "провайдера.",
        "Проверьте, горят ли индикаторы питания на роутере и коммутаторе.\nУбедитесь, что "
        "кабель провайдера вставлен в порт WAN до щелчка.\nПерезагрузите роутер: отключите "
        "питание на 30 секунд.\nЕсли индикатор WAN не загорелся за 5 минут — позвоните "
        "провайдеру и создайте заявку с адресом офиса и числом затронутых сотрудников.",
        "",
        "",
        (64, 51, 9, 6),
    ),
    (
        "Network and VPN",
        "en",
        "public",
        "VPN connection times out when working from home",
        "The corporate VPN client keeps connecting and then reports a timeout. Other websites "
        "work fine at home.",
        "The home router or the internet provider blocks the VPN's UDP port, or the "
        "connection profile is outdated after the gateway address changed.",
        "Check that the internet works by opening any website.\nRestart the VPN client and "
        'choose the "Office-TCP" profile instead of "Office-UDP".\nIf the profile is '
        "missing, download the current profile from the portal and import it.\nTemporarily "
        "disable third-party antivirus or firewall software.\nStill failing? Create a request "
        "and attach a screenshot of the VPN client log.",
        "OpenVPN Connect",
        "3.x",
        (91, 66, 17, 22),
    ),
    (
        "E-mail client",
        "ru",
        "public",
        "Outlook не отправляет письма: ошибка 0x800CCC0F",
        "Письма остаются в папке «Исходящие», при отправке появляется ошибка 0x800CCC0F "
        "или «Сервер неожиданно разорвал соединение».",
        "Антивирус проверяет исходящую почту и обрывает соединение с сервером, либо в "
        "настройках учётной записи указан неверный порт SMTP.",
        "Закройте Outlook и откройте его снова.\nВ антивирусе отключите проверку исходящей "
        "почты (Mail Shield / проверка SMTP).\nОткройте «Файл» → «Настройка учётных "
        "записей» → «Изменить» → «Другие настройки» → «Дополнительно».\nУкажите порт SMTP "
        "587 и шифрование STARTTLS.\nОтправьте письмо себе и проверьте «Исходящие».",
        "Microsoft Outlook",
        "2019, 2021, 365",
        (143, 102, 35, 24),
    ),
    (
        "E-mail client",
        "en",
        "public",
        "Outlook does not send e-mail (error 0x800CCC0F)",
        'Messages stay in the Outbox and sending fails with error 0x800CCC0F or "The server '
        'unexpectedly terminated the connection".',
        "An antivirus mail scanner interrupts the connection to the server, or the account "
        "uses a wrong SMTP port.",
        "Close and reopen Outlook.\nDisable outgoing mail scanning in your antivirus.\nOpen "
        "File → Account Settings → Change → More Settings → Advanced.\nSet the outgoing "
        "server (SMTP) port to 587 with STARTTLS encryption.\nSend a test message to yourself "
        "and check the Outbox.",
        "Microsoft Outlook",
        "2019, 2021, 365",
        (77, 52, 14, 18),
    ),
    (
        "E-mail client",
        "en",
        "public",
        "Thunderbird keeps asking for the password",
        "Thunderbird asks for the mail password every few minutes and does not download new "
        "messages, even though the password is correct.",
        "The password was changed on the server and the old one is still saved, or the "
        "account switched to OAuth2 and needs a new sign-in.",
        "Open Settings → Privacy & Security → Saved Passwords and delete the entries of the "
        "mail server.\nOpen Account Settings → Server Settings and set Authentication method "
        "to OAuth2 if your company uses Microsoft 365.\nRestart Thunderbird and sign in when "
        'asked, ticking "Use Password Manager".',
        "Mozilla Thunderbird",
        "115",
        (22, 19, 4, 7),
    ),
    (
        "Accounting software",
        "ru",
        "public",
        "1С:Бухгалтерия: «Ошибка блокировки объекта» при проведении документа",
        "При проведении реализации или платёжного поручения появляется сообщение «Ошибка "
        "блокировки объекта. Объект уже заблокирован другим пользователем».",
        "Документ или регистр открыт и изменяется другим пользователем, либо сеанс "
        "пользователя завис после обрыва связи.",
        "Попросите коллег закрыть этот документ и повторите проведение.\nЕсли ошибка "
        "повторяется, откройте «Администрирование» → «Обслуживание» → «Активные "
        "пользователи».\nНайдите зависший сеанс (давно без активности) и попросите "
        "администратора завершить его.\nПерезапустите 1С и проведите документ снова.",
        "1С:Бухгалтерия предприятия",
        "3.0",
        (168, 97, 41, 12),
    ),
    (
        "Accounting software",
        "ru",
        "public",
        "1С: не формируется декларация по НДС после обновления",
        "После обновления конфигурации декларация по НДС не формируется: программа "
        "зависает на 80% или выдаёт ошибку при заполнении раздела 8.",
        "После обновления не выполнены обработчики обновления информационной базы, либо "
        "не перепроведены документы за период.",
        "Сделайте резервную копию информационной базы.\nЗапустите 1С в режиме «Предприятие» "
        "под администратором и дождитесь завершения обработки обновления.\nВыполните "
        "«Операции» → «Закрытие месяца» → «Перепровести документы» за квартал.\nСформируйте "
        "декларацию заново. Если ошибка осталась, создайте заявку и приложите снимок экрана.",
        "1С:Бухгалтерия предприятия",
        "3.0.150 и новее",
        (52, 38, 10, 3),
    ),
    (
        "Laptops and PCs",
        "ru",
        "public",
        "Ноутбук не включается, индикатор питания мигает",
        "При нажатии кнопки питания ноутбук не загружается, индикатор питания мигает "
        "несколько раз, вентилятор не запускается.",
        "Глубоко разряжен аккумулятор, либо контроллер питания ушёл в защиту после скачка "
        "напряжения.",
        "Подключите оригинальный блок питания и подождите 15 минут.\nОтключите блок "
        "питания и все устройства (USB, док-станцию).\nЗажмите кнопку питания на 30 секунд, "
        "чтобы сбросить контроллер.\nСнова подключите питание и включите ноутбук.\nЕсли "
        "индикатор мигает по-прежнему — создайте заявку: укажите модель, серийный номер и "
        "сколько раз мигает индикатор.",
        "Lenovo ThinkPad T14, HP EliteBook 840",
        "",
        (71, 55, 13, 9),
    ),
    (
        "Laptops and PCs",
        "ru",
        "public",
        "Синий экран CRITICAL_PROCESS_DIED при загрузке Windows",
        "Компьютер при загрузке показывает синий экран с кодом CRITICAL_PROCESS_DIED и "
        "перезагружается по кругу.",
        "Повреждены системные файлы после неудачного обновления или сбоя диска.",
        "Дождитесь экрана «Автоматическое восстановление» (после двух неудачных "
        "загрузок).\nВыберите «Дополнительные параметры» → «Поиск и устранение "
        "неисправностей» → «Удалить обновления».\nЕсли не помогло, откройте «Командную "
        "строку» и выполните sfc /scannow и chkdsk C: /f.\nПерезагрузите компьютер. "
        "Данные на диске при этом не удаляются.",
        "Windows 10, Windows 11",
        "",
        (34, 28, 6, 2),
    ),
    (
        "Laptops and PCs",
        "en",
        "public",
        "Laptop overheats and shuts down during video calls",
        "The laptop gets very hot and the fan is loud during video calls; after some minutes "
        "it turns off without warning.",
        "Dust in the cooling system or a blocked air intake; video calls load the CPU and GPU "
        "for a long time.",
        "Put the laptop on a hard flat surface, not on a bed or your lap.\nIn the power "
        'settings choose the "Balanced" plan.\nUpdate the BIOS and the graphics driver '
        "with the manufacturer's update tool.\nIf it still shuts down, create a request: the "
        "cooling system must be cleaned by an engineer (free under warranty).",
        "Lenovo ThinkPad, HP EliteBook",
        "",
        (29, 24, 5, 6),
    ),
    (
        "Accounts and access",
        "ru",
        "public",
        "Учётная запись заблокирована после ввода неверного пароля",
        "При входе в Windows появляется сообщение «Учётная запись заблокирована», хотя "
        "пароль введён правильно.",
        "Старый пароль сохранён на телефоне или в другом устройстве и несколько раз подряд "
        "отправил неверный пароль.",
        "Подождите 15 минут: блокировка снимается автоматически.\nНа телефоне удалите и "
        "заново добавьте корпоративную почту с новым паролем.\nНа других компьютерах "
        "выйдите из сеансов, где вы входили под своей учётной записью.\nЕсли блокировка "
        "повторяется, создайте заявку с вашим логином.",
        "Active Directory",
        "",
        (88, 70, 25, 21),
    ),
    (
        "Telephony",
        "ru",
        "public",
        "IP-телефон показывает «Не зарегистрирован»",
        "На дисплее IP-телефона надпись «Не зарегистрирован» (No Service), входящие звонки "
        "не проходят.",
        "Телефон не получил сетевой адрес или потерял связь с АТС после перезагрузки коммутатора.",
        "Проверьте, что сетевой кабель вставлен в порт LAN телефона, а не в порт PC.\n"
        "Отключите питание телефона на 10 секунд.\nДождитесь загрузки (до двух минут).\n"
        "Если надпись осталась, создайте заявку и укажите внутренний номер и модель телефона.",
        "Yealink T54W",
        "",
        (26, 21, 8, 4),
    ),
    (
        "Video conferencing",
        "en",
        "public",
        "Camera not detected in Microsoft Teams",
        'Teams shows "We can\'t find a camera" although other apps see the room camera.',
        "Another application holds the camera, or Teams uses a different device than the "
        "room camera.",
        "Close other video apps (Zoom, the Camera app, the browser).\nIn Teams open Settings "
        "→ Devices and choose the room camera in the Camera list.\nSign out of Teams and sign "
        "in again.\nIf the list is empty, unplug the camera's USB cable for 10 seconds.",
        "Microsoft Teams",
        "",
        (19, 16, 3, 5),
    ),
    (
        "Printers and MFPs",
        "ru",
        "internal",
        "Сброс пароля администратора веб-интерфейса МФУ HP",
        "Нужно изменить сетевые настройки МФУ, пароль администратора веб-интерфейса неизвестен.",
        "Пароль задан при установке подрядчиком и не передан в документации.",
        "Убедитесь, что заявку подал ответственный сотрудник организации.\nНа панели МФУ "
        "откройте «Настройка» → «Обслуживание» → «Восстановить заводские настройки "
        "сети».\nПосле перезагрузки войдите в веб-интерфейс с паролем по умолчанию "
        "(серийный номер) и сразу задайте новый.\nЗапишите пароль в карточку устройства "
        "в CMDB.",
        "HP LaserJet, HP Color LaserJet MFP",
        "",
        (5, 9, 4, 0),
    ),
    (
        "Servers and storage",
        "en",
        "internal",
        "Storage array degraded: checklist before opening a vendor case",
        "The storage array reports a degraded RAID group and an amber LED is on a drive bay.",
        "A drive failed or predicted a failure; the array runs without redundancy until it "
        "is replaced.",
        "Export the array's event log and the drive's SMART data.\nCheck that a hot spare "
        "has started rebuilding.\nCheck the warranty of the array in the device card.\nOpen "
        "a vendor case with the serial number, the log and the failed bay number.\nTell the "
        "customer not to restart the array while it is rebuilding.",
        "HPE MSA, Lenovo ThinkSystem DE",
        "",
        (3, 12, 5, 0),
    ),
]


def load(ctx: dict[str, Any]) -> None:
    author = (
        User.objects.filter(username="l2").first() or User.objects.filter(username="l1").first()
    )
    categories = {c.name_en: c for c in Category.objects.all()}
    created = []
    for (
        category_name,
        language,
        visibility,
        title,
        symptoms,
        cause,
        resolution,
        products,
        versions,
        counters,
    ) in ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        offered, opened, resolved, deflected = counters
        article = Article.objects.create(
            title=title,
            symptoms=symptoms,
            cause=cause,
            resolution=resolution,
            language=language,
            visibility=Visibility(visibility),
            products=products,
            versions=versions,
            author=author,
            offered_count=offered,
            opened_count=opened,
            resolved_count=resolved,
            deflected_count=deflected,
        )
        if category_name in categories:
            article.categories.set([categories[category_name]])
        created.append(article)
    ctx["kb_articles"] = list(Article.objects.order_by("pk"))
