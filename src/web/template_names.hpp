// Template variable and section names, registered once with ctemplate.
// (A name given as a plain string is hashed and looked up in a global, locked map on every
// SetValue; measured at a tenth of the instructions of an article page.)
// A section that appears at most once per page is shown with ShowSection and its variables set
// on the page's own dictionary (under names no other section uses): AddSectionDictionary names
// each sub-dictionary with snprintf, some 1,200 instructions apiece.
#pragma once
#include <ctemplate/template_string.h>

namespace herald::web::tn {
inline const ctemplate::StaticTemplateString kACTIVE = STS_INIT(kACTIVE, "ACTIVE");
inline const ctemplate::StaticTemplateString kALT = STS_INIT(kALT, "ALT");
inline const ctemplate::StaticTemplateString kATOM = STS_INIT(kATOM, "ATOM");
inline const ctemplate::StaticTemplateString kAUTHOR = STS_INIT(kAUTHOR, "AUTHOR");
inline const ctemplate::StaticTemplateString kBLOCK = STS_INIT(kBLOCK, "BLOCK");
inline const ctemplate::StaticTemplateString kBREAKING = STS_INIT(kBREAKING, "BREAKING");
inline const ctemplate::StaticTemplateString kBUILD_DATE = STS_INIT(kBUILD_DATE, "BUILD_DATE");
inline const ctemplate::StaticTemplateString kBYLINE = STS_INIT(kBYLINE, "BYLINE");
inline const ctemplate::StaticTemplateString kCANONICAL = STS_INIT(kCANONICAL, "CANONICAL");
inline const ctemplate::StaticTemplateString kCAPTION = STS_INIT(kCAPTION, "CAPTION");
inline const ctemplate::StaticTemplateString kCAPTION_LINE =
    STS_INIT(kCAPTION_LINE, "CAPTION_LINE");
inline const ctemplate::StaticTemplateString kCITE = STS_INIT(kCITE, "CITE");
inline const ctemplate::StaticTemplateString kCONTENT = STS_INIT(kCONTENT, "CONTENT");
inline const ctemplate::StaticTemplateString kCOUNT = STS_INIT(kCOUNT, "COUNT");
inline const ctemplate::StaticTemplateString kCREDIT = STS_INIT(kCREDIT, "CREDIT");
inline const ctemplate::StaticTemplateString kCSS_URL = STS_INIT(kCSS_URL, "CSS_URL");
inline const ctemplate::StaticTemplateString kCURRENT = STS_INIT(kCURRENT, "CURRENT");
inline const ctemplate::StaticTemplateString kDATE = STS_INIT(kDATE, "DATE");
inline const ctemplate::StaticTemplateString kDATELINE = STS_INIT(kDATELINE, "DATELINE");
inline const ctemplate::StaticTemplateString kDESCRIPTION = STS_INIT(kDESCRIPTION, "DESCRIPTION");
inline const ctemplate::StaticTemplateString kDOC_TITLE = STS_INIT(kDOC_TITLE, "DOC_TITLE");
inline const ctemplate::StaticTemplateString kEDITION = STS_INIT(kEDITION, "EDITION");
inline const ctemplate::StaticTemplateString kEDITION_NAME =
    STS_INIT(kEDITION_NAME, "EDITION_NAME");
inline const ctemplate::StaticTemplateString kEMBED = STS_INIT(kEMBED, "EMBED");
inline const ctemplate::StaticTemplateString kEMPTY = STS_INIT(kEMPTY, "EMPTY");
inline const ctemplate::StaticTemplateString kFAVICON_URL = STS_INIT(kFAVICON_URL, "FAVICON_URL");
inline const ctemplate::StaticTemplateString kFEED = STS_INIT(kFEED, "FEED");
inline const ctemplate::StaticTemplateString kFEED_LINK = STS_INIT(kFEED_LINK, "FEED_LINK");
inline const ctemplate::StaticTemplateString kH = STS_INIT(kH, "H");
inline const ctemplate::StaticTemplateString kH2 = STS_INIT(kH2, "H2");
inline const ctemplate::StaticTemplateString kHEADING = STS_INIT(kHEADING, "HEADING");
inline const ctemplate::StaticTemplateString kHEADLINE = STS_INIT(kHEADLINE, "HEADLINE");
inline const ctemplate::StaticTemplateString kHOME_URL = STS_INIT(kHOME_URL, "HOME_URL");
inline const ctemplate::StaticTemplateString kHOST = STS_INIT(kHOST, "HOST");
inline const ctemplate::StaticTemplateString kHREF = STS_INIT(kHREF, "HREF");
inline const ctemplate::StaticTemplateString kHREFLANG = STS_INIT(kHREFLANG, "HREFLANG");
inline const ctemplate::StaticTemplateString kID = STS_INIT(kID, "ID");
inline const ctemplate::StaticTemplateString kIMAGE = STS_INIT(kIMAGE, "IMAGE");
inline const ctemplate::StaticTemplateString kISO = STS_INIT(kISO, "ISO");
inline const ctemplate::StaticTemplateString kITEM = STS_INIT(kITEM, "ITEM");
inline const ctemplate::StaticTemplateString kITEMS = STS_INIT(kITEMS, "ITEMS");
inline const ctemplate::StaticTemplateString kJSONLD = STS_INIT(kJSONLD, "JSONLD");
inline const ctemplate::StaticTemplateString kJSONLD_DATA = STS_INIT(kJSONLD_DATA, "JSONLD_DATA");
inline const ctemplate::StaticTemplateString kJS_URL = STS_INIT(kJS_URL, "JS_URL");
inline const ctemplate::StaticTemplateString kLANG = STS_INIT(kLANG, "LANG");
inline const ctemplate::StaticTemplateString kLASTMOD = STS_INIT(kLASTMOD, "LASTMOD");
inline const ctemplate::StaticTemplateString kLATEST = STS_INIT(kLATEST, "LATEST");
inline const ctemplate::StaticTemplateString kLEAD = STS_INIT(kLEAD, "LEAD");
inline const ctemplate::StaticTemplateString kLINK = STS_INIT(kLINK, "LINK");
inline const ctemplate::StaticTemplateString kLIST_CLASS = STS_INIT(kLIST_CLASS, "LIST_CLASS");
inline const ctemplate::StaticTemplateString kLOADING = STS_INIT(kLOADING, "LOADING");
inline const ctemplate::StaticTemplateString kLOC = STS_INIT(kLOC, "LOC");
inline const ctemplate::StaticTemplateString kMAP = STS_INIT(kMAP, "MAP");
inline const ctemplate::StaticTemplateString kMORE = STS_INIT(kMORE, "MORE");
inline const ctemplate::StaticTemplateString kNAME = STS_INIT(kNAME, "NAME");
inline const ctemplate::StaticTemplateString kNAV = STS_INIT(kNAV, "NAV");
inline const ctemplate::StaticTemplateString kNEWS = STS_INIT(kNEWS, "NEWS");
inline const ctemplate::StaticTemplateString kNEWSFEED_URL =
    STS_INIT(kNEWSFEED_URL, "NEWSFEED_URL");
inline const ctemplate::StaticTemplateString kNEWS_NS = STS_INIT(kNEWS_NS, "NEWS_NS");
inline const ctemplate::StaticTemplateString kNEXT = STS_INIT(kNEXT, "NEXT");
inline const ctemplate::StaticTemplateString kNEXT_HEADLINE =
    STS_INIT(kNEXT_HEADLINE, "NEXT_HEADLINE");
inline const ctemplate::StaticTemplateString kNEXT_URL = STS_INIT(kNEXT_URL, "NEXT_URL");
inline const ctemplate::StaticTemplateString kNOINDEX = STS_INIT(kNOINDEX, "NOINDEX");
inline const ctemplate::StaticTemplateString kOG_IMAGE = STS_INIT(kOG_IMAGE, "OG_IMAGE");
inline const ctemplate::StaticTemplateString kOG_IMAGE_URL = STS_INIT(kOG_IMAGE_URL, "OG_IMAGE_URL");
inline const ctemplate::StaticTemplateString kOG_LOCALE = STS_INIT(kOG_LOCALE, "OG_LOCALE");
inline const ctemplate::StaticTemplateString kOG_TYPE = STS_INIT(kOG_TYPE, "OG_TYPE");
inline const ctemplate::StaticTemplateString kP = STS_INIT(kP, "P");
inline const ctemplate::StaticTemplateString kPATH = STS_INIT(kPATH, "PATH");
inline const ctemplate::StaticTemplateString kPHOTO = STS_INIT(kPHOTO, "PHOTO");
inline const ctemplate::StaticTemplateString kPUBLISHED = STS_INIT(kPUBLISHED, "PUBLISHED");
inline const ctemplate::StaticTemplateString kPUBLISHED_ISO =
    STS_INIT(kPUBLISHED_ISO, "PUBLISHED_ISO");
inline const ctemplate::StaticTemplateString kPUB_DATE = STS_INIT(kPUB_DATE, "PUB_DATE");
inline const ctemplate::StaticTemplateString kQUOTE = STS_INIT(kQUOTE, "QUOTE");
inline const ctemplate::StaticTemplateString kRSS = STS_INIT(kRSS, "RSS");
inline const ctemplate::StaticTemplateString kRSS_TITLE = STS_INIT(kRSS_TITLE, "RSS_TITLE");
inline const ctemplate::StaticTemplateString kRSS_URL = STS_INIT(kRSS_URL, "RSS_URL");
inline const ctemplate::StaticTemplateString kSECTION = STS_INIT(kSECTION, "SECTION");
inline const ctemplate::StaticTemplateString kSECTION_BLOCK =
    STS_INIT(kSECTION_BLOCK, "SECTION_BLOCK");
inline const ctemplate::StaticTemplateString kSECTION_NAME =
    STS_INIT(kSECTION_NAME, "SECTION_NAME");
inline const ctemplate::StaticTemplateString kSECTION_URL = STS_INIT(kSECTION_URL, "SECTION_URL");
inline const ctemplate::StaticTemplateString kSELF = STS_INIT(kSELF, "SELF");
inline const ctemplate::StaticTemplateString kSITE_NAME = STS_INIT(kSITE_NAME, "SITE_NAME");
inline const ctemplate::StaticTemplateString kSIZES = STS_INIT(kSIZES, "SIZES");
inline const ctemplate::StaticTemplateString kSRC = STS_INIT(kSRC, "SRC");
inline const ctemplate::StaticTemplateString kSRCSET = STS_INIT(kSRCSET, "SRCSET");
inline const ctemplate::StaticTemplateString kSRCSET_JPEG = STS_INIT(kSRCSET_JPEG, "SRCSET_JPEG");
inline const ctemplate::StaticTemplateString kSTATUS = STS_INIT(kSTATUS, "STATUS");
inline const ctemplate::StaticTemplateString kSTORY = STS_INIT(kSTORY, "STORY");
inline const ctemplate::StaticTemplateString kSUBSCRIBE_URL =
    STS_INIT(kSUBSCRIBE_URL, "SUBSCRIBE_URL");
inline const ctemplate::StaticTemplateString kSUMMARY = STS_INIT(kSUMMARY, "SUMMARY");
inline const ctemplate::StaticTemplateString kTAG = STS_INIT(kTAG, "TAG");
inline const ctemplate::StaticTemplateString kTAGLINE = STS_INIT(kTAGLINE, "TAGLINE");
inline const ctemplate::StaticTemplateString kTAGS = STS_INIT(kTAGS, "TAGS");
inline const ctemplate::StaticTemplateString kTEXT = STS_INIT(kTEXT, "TEXT");
inline const ctemplate::StaticTemplateString kTHUMB = STS_INIT(kTHUMB, "THUMB");
inline const ctemplate::StaticTemplateString kTIME = STS_INIT(kTIME, "TIME");
inline const ctemplate::StaticTemplateString kTITLE = STS_INIT(kTITLE, "TITLE");
inline const ctemplate::StaticTemplateString kTOP = STS_INIT(kTOP, "TOP");
inline const ctemplate::StaticTemplateString kTRANSLATION = STS_INIT(kTRANSLATION, "TRANSLATION");
inline const ctemplate::StaticTemplateString kTWITTER_CARD =
    STS_INIT(kTWITTER_CARD, "TWITTER_CARD");
inline const ctemplate::StaticTemplateString kUPDATED = STS_INIT(kUPDATED, "UPDATED");
inline const ctemplate::StaticTemplateString kURL = STS_INIT(kURL, "URL");
inline const ctemplate::StaticTemplateString kW = STS_INIT(kW, "W");
inline const ctemplate::StaticTemplateString kWEBP = STS_INIT(kWEBP, "WEBP");
inline const ctemplate::StaticTemplateString kWHEN = STS_INIT(kWHEN, "WHEN");
inline const ctemplate::StaticTemplateString kWITH_IMAGE = STS_INIT(kWITH_IMAGE, "WITH_IMAGE");
inline const ctemplate::StaticTemplateString kYEAR = STS_INIT(kYEAR, "YEAR");
inline const ctemplate::StaticTemplateString kFOOTER = STS_INIT(kFOOTER, "FOOTER");
inline const ctemplate::StaticTemplateString kMASTHEAD = STS_INIT(kMASTHEAD, "MASTHEAD");
inline const ctemplate::StaticTemplateString kBODY = STS_INIT(kBODY, "BODY");
}  // namespace herald::web::tn
