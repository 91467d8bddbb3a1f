{{%AUTOESCAPE context="HTML"}}<div class="error-page">
<p class="status">{{STATUS}}</p>
<h1>{{HEADING}}</h1>
<p>{{TEXT}}</p>
<p><a class="button" href="{{HOME_URL}}">{{T_BACK_HOME}}</a></p>
</div>
