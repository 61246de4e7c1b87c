-- Issue 16: the CJK bigrams leave the tsvector, where each cost a file ~10 bytes (its lexeme and
-- entry; at 2 KiB documents the tsvector was as big as the text), for two arrays (tokenize.ts
-- bigramColumns): a short text's bigrams as int2 hashes, a long text's as exact int4 codes (the two
-- characters' UTF-16 code units, high and low). The tsvector keeps the English stems and jieba's
-- longer words, which rank. The text goes back to pglz: lz4 saved ~2 ms of CPU a 100 KiB row but
-- stored ~18% more (117 against 98 MiB for 200 MiB of 2 KiB texts); rows keep what they have.
ALTER TABLE "SearchText" ADD COLUMN "bigrams" INTEGER[] NOT NULL DEFAULT '{}',
  ADD COLUMN "bigramHashes" SMALLINT[] NOT NULL DEFAULT '{}';
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE "SearchText" ALTER COLUMN "text" SET COMPRESSION pglz;
  END IF;
END $$;

-- Rows indexed before: their CJK lexemes of one or two characters (bigrams, and runs of one
-- character) move out of the tsvector, into one of the arrays as the codes of the bigrams and of
-- the rare Han characters (tokenize.ts unigramCode: not among server/search/common-han.ts's 1,000,
-- written out below as they are there). A lexeme is CJK when its first character is in tokenize.ts's
-- CJK class, written out as ranges (PostgreSQL's regular expressions have no Unicode scripts), as
-- is the Han class; the English lexemes never hold one (CJK runs are cut out of the Latin part
-- before to_tsvector). ascii() gives a character's code point; the shift wraps like JavaScript's;
-- the hash is bigramHash (Math.imul, then the high 16 bits, signed).
WITH old AS (
  SELECT "nodeId", array_agg(l) AS lexemes
    FROM "SearchText", unnest(tsvector_to_array(tsv)) AS l
   WHERE char_length(l) <= 2 AND l ~ '^[\u1100-\u11ff\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u302e-\u302f\u3038-\u303b\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u3131-\u318e\u31f0-\u321e\u3260-\u327e\u32d0-\u32fe\u3300-\u3357\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7c6\ud7cb-\ud7fb\uf900-\ufa6d\ufa70-\ufad9\uff66-\uff6f\uff71-\uff9d\uffa0-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7\uffda-\uffdc\U00016fe2-\U00016fe3\U00016ff0-\U00016ff6\U0001aff0-\U0001aff3\U0001aff5-\U0001affb\U0001affd-\U0001affe\U0001b000-\U0001b122\U0001b132\U0001b150-\U0001b152\U0001b155\U0001b164-\U0001b167\U0001f200\U00020000-\U0002a6df\U0002a700-\U0002b81d\U0002b820-\U0002cead\U0002ceb0-\U0002ebe0\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a\U00031350-\U00033479]'
   GROUP BY "nodeId"
), moved AS (
  SELECT "nodeId", lexemes,
         ARRAY(SELECT DISTINCT ((ascii(l) & 65535) << 16) | (ascii(substr(l, 2)) & 65535) FROM unnest(lexemes) AS l WHERE char_length(l) = 2)
         || ARRAY(SELECT DISTINCT (ascii(ch) & 65535) << 16 FROM unnest(lexemes) AS l, regexp_split_to_table(l, '') AS ch
                   WHERE ch ~ '^[\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9\U00016fe2-\U00016fe3\U00016ff0-\U00016ff6\U00020000-\U0002a6df\U0002a700-\U0002b81d\U0002b820-\U0002cead\U0002ceb0-\U0002ebe0\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a\U00031350-\U00033479]$'
                     AND strpos('一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于后就发自之对得主长可过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事代那去心小同北定开产前其军还然起种所如现理机体表力好外与文当两实重新三么只山水关明从化平建又制南内西没此将员名手最东头者月间无安看见各城十相但已些正口通想度加第她合院物性战由位常点海意场武使次二向治因立数样身情入原问把路被并利石老教万知级量任江及应省资委务元美特期世湖回系比气汉总展电科金先声提品设或义王社很统处四首共马形己儿司太目基领队直计别女权话少流命至报米给打变果书清活几州华解议更称程今决张导术府才保交放管结师便走达族反再题色五京河接条规县式白它改风光运信受什组听布百济党指论强做取技黄神选记斯真却职号界件花类何眼兵传带空干农边据集联古广完质阳难增历史专官每住商即步认车台林必死游举线言皇土团收考求德叫近备研争非具李众连调感转笑革该持始英克士尔让拉思根格造较际亲单朝红型价校约器字段周亚深候则功属积快图火千准究往极育装许参半令吃观鱼精办像帝八复影告远群包整构料随划算象容示投势热值夫网望源息语股铁断派速怎需片爱律纪支早况病境证编越局推满且列觉服双未居除乐企引标确织初青志率项飞球察节龙响药站施均消客失轻存低甚般击曾防请离落显罗营足素视护副食创余照兴占巴虽洲村费易试星木黑左宝置跟央识维采六底宫房音环案批切斗富乡另倒若按查故突责严桥模仅胜杀围席态破承招杨负层须父供续状域似依银范修找九致密终血旅钱赛独细效玉冲获习医演毛尽脸弹楼艺航陆右协七攻镇检写苏宗章注阿抗弟坐验封紧劳户优财养适陈喜卫排射哥油刻留急降念云微伤例景拿绝阶座刘刚害印亿沙母酒助闻超审待压升送监策略限竟香配藏敌呢差仍兰温园树征善波哪词岛止预怕继皮执味份角草男普答益谁船惊核街夏宣掌田久著画辑奇尼剑吧谈背免孩礼材愿洋春架筑括晚乱乎讲尚良友临激刀夜室既敢邦挥昌板胡欧福港叶简苦担句岁荆贵娘守辖威宜衣帮块堂额错剧充欢够孙班呼阵销坚练脚退读测吴希宁换版异某顾曲楚典朱毒菜判救宋茶洪含顺啊鲜败货矿端兄归冷忙买险康评肉吗厂永哈沉散遗停笔假输牛洞松渐顶训录否述毕督控丰献姑忽爷互亮纳襄登咱钟伯臣雄季脑介鄂召饭暗扩祖齐短烈赶牌恩诉移诗础露届蒙静喝盘卖植授伊湾博痛减穿逐秘庭陵固禁票灵杂姓泽吸侧庆妈遇追甲馆补唐炮沿殿刺怪彩俄旧警索岸轮妇载靠附毫怀软骨探雷旁罪枪牙迎序慢盛雨墙恶谷顿危稳熟', ch) = 0) AS codes
    FROM old
)
UPDATE "SearchText" s
   SET bigrams = CASE WHEN cardinality(m.codes) > 1024 THEN m.codes ELSE '{}' END,
       "bigramHashes" = CASE WHEN cardinality(m.codes) > 1024 THEN '{}' ELSE
         ARRAY(SELECT DISTINCT (h - CASE WHEN h > 32767 THEN 65536 ELSE 0 END)::int2
                 FROM (SELECT ((code::int8 * 2654435761) & 4294967295) >> 16 AS h FROM unnest(m.codes) AS code) x) END,
       tsv = ts_delete(s.tsv, m.lexemes)
  FROM moved m
 WHERE s."nodeId" = m."nodeId";

CREATE INDEX "SearchText_bigrams_idx" ON "SearchText" USING GIN ("bigrams");
CREATE INDEX "SearchText_bigramHashes_idx" ON "SearchText" USING GIN ("bigramHashes");
